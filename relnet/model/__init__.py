"""Encoder (text + entity markers → pair vector) and classifier (pair vector → relation scores)."""
