"""`networkx.MultiDiGraph` → plain dict (`graph_to_view`) → one standalone, offline HTML page (`render_html`).

The page draws the graph with vis-network, whose standalone build is vendored in ``vendor/vis-network/`` (version,
source and licence in its README) and inlined, so nothing is loaded from a URL. Nodes are coloured by kind and sized
by mentions; edges are coloured by relation class and as wide as their evidence; a search box finds entities;
clicking an edge lists its evidence sentences with both mentions highlighted.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from string import Template
from typing import Any

import networkx as nx

from relnet.data import CHEMICAL, GENE
from relnet.errors import RelnetError
from relnet.network.types import edge_record, edges, node_record, nodes
from relnet.schema import GROUP_NAMES

TEMPLATE = Path(__file__).parent / "templates" / "network.html"
VIS_NETWORK_JS = Path(__file__).parent / "vendor" / "vis-network" / "vis-network.min.js"
KIND_COLOURS = {CHEMICAL: "#f0a202", GENE: "#3a86c8"}
CLASS_COLOURS = {"CPR:3": "#2e9e44", "CPR:4": "#d1352b", "CPR:5": "#1f5fbf", "CPR:6": "#e07b00", "CPR:9": "#8e44ad"}
FALLBACK_COLOURS = ("#17becf", "#7f7f7f", "#bcbd22", "#e377c2", "#8c564b", "#9edae5", "#c49c94", "#aec7e8")


def graph_to_view(graph: nx.MultiDiGraph, max_sentences: int = 20) -> dict[str, Any]:
    """The plain dict the page draws: ``{"nodes": […], "edges": […], "legend": {…}}``.

    Nodes and edges are the records of `relnet.network.types` (as in the web API) plus what the drawing
    needs: ``color``; for edges also ``width`` and ``rank`` (the index among parallel edges, to fan them
    out). An edge's class is its label (its CPR group is named in the legend); at most ``max_sentences``
    evidence sentences per edge are kept, with the total in ``evidence``.
    """
    classes = sorted({d["label"] for *_, d in edges(graph)})
    extra = iter(FALLBACK_COLOURS * (len(classes) // len(FALLBACK_COLOURS) + 1))
    class_colour = {c: CLASS_COLOURS.get(c) or next(extra) for c in classes}
    node_views = [{**node_record(n, d), "color": KIND_COLOURS.get(d["kind"], "#999999")} for n, d in nodes(graph)]
    edge_views = []
    parallel: dict[tuple[str, str], int] = {}
    for u, v, key, d in edges(graph):
        rank = parallel[(u, v)] = parallel.get((u, v), -1) + 1
        edge_views.append(
            {**edge_record(u, v, key, d, max_sentences, digits=4), "color": class_colour[d["label"]],
             "width": edge_width(d["evidence"]), "rank": rank}
        )  # fmt: skip
    legend = {
        "kinds": [{"name": k.lower(), "color": c} for k, c in KIND_COLOURS.items()],
        "classes": [{"name": c, "description": GROUP_NAMES.get(c, ""), "color": class_colour[c]} for c in classes],
    }
    return {"nodes": node_views, "edges": edge_views, "legend": legend}


def edge_width(evidence: int) -> float:
    """Line width for an edge read from ``evidence`` sentences: 1 for one, growing with the square root, at most 10."""
    return 1 + min(9.0, 1.5 * (evidence - 1) ** 0.5)


def vis_network_js() -> str:
    """The vendored vis-network script (standalone build: it bundles ``vis.DataSet`` and injects its own CSS)."""
    if not VIS_NETWORK_JS.is_file():
        raise RelnetError(f"{VIS_NETWORK_JS} is missing; reinstall relnet")
    js = VIS_NETWORK_JS.read_text(encoding="utf-8")
    lowered = js.lower()
    if "</script" in lowered or "<!--" in lowered:  # would end or derail the inline <script> element
        raise RelnetError(f"{VIS_NETWORK_JS} cannot be inlined in a <script> element")
    return js


def _json_for_script(data: Any) -> str:
    """JSON that is safe inside a <script> element."""
    return json.dumps(data).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_html(graph: nx.MultiDiGraph, title: str = "relnet network", max_sentences: int = 20) -> str:
    """A standalone HTML page of ``graph`` (works offline: every script and style is inlined)."""
    template = Template(TEMPLATE.read_text(encoding="utf-8"))  # ``$name`` placeholders; a literal ``$`` is ``$$``
    return template.substitute(
        title=html.escape(title),
        vis_js=vis_network_js(),
        data=_json_for_script(graph_to_view(graph, max_sentences)),
    )


def write_html(graph: nx.MultiDiGraph, path: str | Path, title: str = "relnet network") -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(graph, title), encoding="utf-8")
    return path
