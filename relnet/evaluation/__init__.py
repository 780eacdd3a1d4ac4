"""Scoring: gold vs predicted labels (example level) and tuples (official, document level)."""
