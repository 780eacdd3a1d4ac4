"""relnet: chemical–protein relation extraction and interaction networks from biomedical text."""

__version__ = "0.1.0"
