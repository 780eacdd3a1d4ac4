"""Store path in, text or file out: the verbs behind ``relnet network …`` (one call per command).

Each opens the store read-only, builds the graph with the given filters and hands it to
`graph`, `export` or `views.html`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import networkx as nx

from relnet.network.export import export_graph
from relnet.network.graph import build_graph, communities, hubs, neighbourhood
from relnet.store.sqlite import RelationStore


def load_graph(
    store_path: str | Path, types: Iterable[str] | None = None, min_evidence: int = 1, min_confidence: float = 0.0
) -> nx.MultiDiGraph:
    with RelationStore(store_path, read_only=True) as store:
        return build_graph(store, types, min_evidence, min_confidence)


def summary(store_path: str | Path, k: int = 10, **filters) -> str:
    """Row counts, graph size, hubs and the largest communities, as text."""
    with RelationStore(store_path, read_only=True) as store:
        counts = store.counts()
        graph = build_graph(store, **filters)
    kinds = nx.get_node_attributes(graph, "kind")
    genes, chemicals = hubs(graph, k)
    found = communities(graph)
    lines = [
        f"store      {store_path}",
        f"documents  {counts['documents']}   mentions {counts['mentions']}   entities {counts['entities']}   "
        f"runs {counts['runs']}",
        f"relations  {counts['relations']}  " + "  ".join(f"{k}={n}" for k, n in counts["relations_by_label"].items()),
        f"network    {graph.number_of_nodes()} nodes ({sum(v == 'CHEMICAL' for v in kinds.values())} chemicals, "
        f"{sum(v == 'GENE' for v in kinds.values())} genes), {graph.number_of_edges()} edges, "
        f"{len(found)} communities",
        "most-targeted genes (distinct chemicals):",
        *(f"  {h.partners:>4}  {h.name}" for h in genes),
        "most promiscuous chemicals (distinct genes):",
        *(f"  {h.partners:>4}  {h.name}" for h in chemicals),
        "largest communities:",
        *(
            f"  {len(c):>4}  " + ", ".join(sorted(graph.nodes[n]["name"] for n in c)[:8]) + (" …" if len(c) > 8 else "")
            for c in found[:5]
        ),
    ]
    return "\n".join(lines)


def query(store_path: str | Path, name: str, hops: int = 1, **filters) -> str:
    """The relations within ``hops`` of the entity ``name``, one line per edge."""
    sub = neighbourhood(load_graph(store_path, **filters), name, hops)
    names = nx.get_node_attributes(sub, "name")
    rows = sorted(sub.edges(data=True), key=lambda e: (-e[2]["evidence"], names[e[0]], names[e[1]], e[2]["label"]))
    lines = [f"{sub.number_of_nodes()} entities, {sub.number_of_edges()} relations within {hops} hop(s) of {name!r}"]
    lines += [
        f"  {names[u]} —{d['label']}→ {names[v]}   evidence {d['evidence']}, mean score {d['mean_score']:.2f}"
        for u, v, d in rows
    ]
    return "\n".join(lines)


def export(store_path: str | Path, out: str | Path, fmt: str = "graphml", **filters) -> Path:
    """Write the (filtered) network to ``out`` as graphml, cyjs or csv."""
    return export_graph(load_graph(store_path, **filters), out, fmt)


def html(store_path: str | Path, out: str | Path, **filters) -> Path:
    """Write the (filtered) network as a standalone HTML page."""
    from relnet.views.html import write_html

    return write_html(load_graph(store_path, **filters), out, title=f"relnet · {Path(store_path).name}")
