"""Text utilities that keep character offsets: sentence splitting."""
