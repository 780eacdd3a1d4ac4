"""Views: graph → plain dict → HTML (`html.render_html`), through the templates in ``templates/``."""

from relnet.views.html import graph_to_view, render_html

__all__ = ["graph_to_view", "render_html"]
