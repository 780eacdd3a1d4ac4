"""The web layer: `create_app` (``relnet serve``) puts a JSON API and one page over the analysis and the store."""

from relnet.web.app import Limits, create_app

__all__ = ["Limits", "create_app"]
