"""Store path in, text or file out: the verbs behind ``relnet network …`` (one call per command).

Each opens the store read-only. What scales with the store is done in SQL (`RelationStore.edges`: edges counted and
filtered there, no sentences read), so a summary or a neighbourhood of a store of millions of relations answers in
seconds; only the edges a command shows are built into a graph with their sentences (`graph.build_graph`). A page
for a browser is refused when the graph is larger than a browser draws (`MAX_HTML_EDGES`), naming the filter that
would bring it under.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import networkx as nx

from relnet.errors import RelnetError
from relnet.network.export import export_graph
from relnet.network.graph import build_graph, match_entities, rank_hubs, weighted_communities
from relnet.store.sqlite import EdgeRow, RelationStore

#: Above this many edges the summary skips communities (greedy modularity takes minutes) and says so.
MAX_COMMUNITY_EDGES = 20_000
#: Above this many edges `html` refuses (vis-network in a browser becomes unusable) unless told otherwise.
MAX_HTML_EDGES = 3_000


def _edges(store: RelationStore, filters: dict) -> list[EdgeRow]:
    """The store's edges under the commands' filters (``types``, ``min_confidence``, ``min_evidence``)."""
    return store.edges(filters.get("types"), filters.get("min_confidence", 0.0), filters.get("min_evidence", 1))


def load_graph(
    store_path: str | Path,
    types: Iterable[str] | None = None,
    min_evidence: int = 1,
    min_confidence: float = 0.0,
    entities: Iterable[str] | None = None,
) -> nx.MultiDiGraph:
    with RelationStore(store_path, read_only=True) as store:
        return build_graph(store, types, min_evidence, min_confidence, entities)


def summary(store_path: str | Path, k: int = 10, **filters) -> str:
    """Row counts, graph size, hubs and the largest communities, as text."""
    with RelationStore(store_path, read_only=True) as store:
        counts = store.counts()
        edges = _edges(store, filters)
        entities = {e.key: (e.name, e.kind) for e in store.entities()}
    nodes = {e.head for e in edges} | {e.tail for e in edges}
    pairs = {(e.head, e.tail) for e in edges}
    genes, chemicals = rank_hubs(pairs, entities, k)
    if len(edges) <= MAX_COMMUNITY_EDGES:
        found = weighted_communities(sorted(nodes), ((e.head, e.tail, e.evidence) for e in edges))
        community_lines = [
            f"  {len(c):>4}  " + ", ".join(sorted(entities[n][0] for n in c)[:8]) + (" …" if len(c) > 8 else "")
            for c in found[:5]
        ]
        n_communities = f"{len(found)} communities"
    else:
        community_lines = [f"  skipped: {len(edges)} edges (over {MAX_COMMUNITY_EDGES}); add --min-evidence or --type"]
        n_communities = "communities not computed"
    lines = [
        f"store      {store_path}",
        f"documents  {counts['documents']}   mentions {counts['mentions']}   entities {counts['entities']}   "
        f"runs {counts['runs']}",
        f"relations  {counts['relations']}  " + "  ".join(f"{k}={n}" for k, n in counts["relations_by_label"].items()),
        f"network    {len(nodes)} nodes ({sum(entities[n][1] == 'CHEMICAL' for n in nodes)} chemicals, "
        f"{sum(entities[n][1] == 'GENE' for n in nodes)} genes), {len(edges)} edges, {n_communities}",
        "most-targeted genes (distinct chemicals):",
        *(f"  {h.partners:>4}  {h.name}" for h in genes),
        "most promiscuous chemicals (distinct genes):",
        *(f"  {h.partners:>4}  {h.name}" for h in chemicals),
        "largest communities:",
        *community_lines,
    ]
    return "\n".join(lines)


def neighbourhood_keys(
    store: RelationStore,
    name: str,
    hops: int,
    types: Iterable[str] | None = None,
    min_confidence: float = 0.0,
    min_evidence: int = 1,
) -> set[str]:
    """The entity keys within ``hops`` (filtered) edges of the entities called ``name``, hop by hop through the
    store's indexes: the cost follows the neighbourhood, not the store."""
    start = match_entities(((e.key, e.name, e.kind) for e in store.entities()), name)
    keep, frontier = set(start), set(start)
    for _ in range(hops):
        if not frontier:
            break
        edges = store.edges(types, min_confidence, min_evidence, touching=frontier)
        frontier = ({e.head for e in edges} | {e.tail for e in edges}) - keep
        keep |= frontier
    if len(keep) == len(start) and not store.edges(types, min_confidence, min_evidence, touching=start):
        raise RelnetError(f"{name!r} has no relations in the network (with these filters)")
    return keep


def neighbourhood_graph(
    store_path: str | Path,
    name: str,
    hops: int = 1,
    types: Iterable[str] | None = None,
    min_evidence: int = 1,
    min_confidence: float = 0.0,
) -> nx.MultiDiGraph:
    """The subgraph within ``hops`` edges of ``name``: found over SQL-aggregated edges, then built with sentences."""
    with RelationStore(store_path, read_only=True) as store:
        keep = neighbourhood_keys(store, name, hops, types, min_confidence, min_evidence)
        return build_graph(store, types, min_evidence, min_confidence, entities=keep)


def query(store_path: str | Path, name: str, hops: int = 1, **filters) -> str:
    """The relations within ``hops`` of the entity ``name``, one line per edge."""
    sub = neighbourhood_graph(store_path, name, hops, **filters)
    names = nx.get_node_attributes(sub, "name")
    rows = sorted(sub.edges(data=True), key=lambda e: (-e[2]["evidence"], names[e[0]], names[e[1]], e[2]["label"]))
    lines = [f"{sub.number_of_nodes()} entities, {sub.number_of_edges()} relations within {hops} hop(s) of {name!r}"]
    lines += [
        f"  {names[u]} —{d['label']}→ {names[v]}   evidence {d['evidence']}, mean score {d['mean_score']:.2f}"
        for u, v, d in rows
    ]
    return "\n".join(lines)


def export(store_path: str | Path, out: str | Path, fmt: str = "graphml", **filters) -> Path:
    """Write the (filtered) network to ``out`` as graphml, cyjs or csv. CSV (one row per edge, no sentences) is
    written straight from SQL, so it scales to any store; GraphML and Cytoscape.js carry every sentence."""
    from relnet.network.export import EXPORT_FORMATS

    if fmt not in EXPORT_FORMATS:  # before the store is read or a folder made
        raise RelnetError(f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
    if fmt != "csv":
        return export_graph(load_graph(store_path, **filters), out, fmt)
    import csv

    from relnet.network.export import CSV_COLUMNS

    with RelationStore(store_path, read_only=True) as store:
        edges = _edges(store, filters)
        names = {e.key: e.name for e in store.entities()}
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(CSV_COLUMNS)
        for e in sorted(edges, key=lambda e: (e.head, e.tail, e.label)):
            writer.writerow([e.head, names[e.head], e.tail, names[e.tail], e.label, e.group, e.evidence, e.docs,
                             f"{e.mean_score:.4f}"])  # fmt: skip
    return path


def evidence_threshold(edges: list[EdgeRow], limit: int) -> int:
    """The smallest minimum evidence that leaves at most ``limit`` of ``edges``: every edge above the
    (limit + 1)-th's evidence (1 when they fit already)."""
    counts = sorted((e.evidence for e in edges), reverse=True)
    return counts[limit] + 1 if len(counts) > limit else 1


def too_large(edges: list[EdgeRow], limit: int) -> str:
    """Why a graph of ``edges`` is refused, and the smallest ``--min-evidence`` that brings it under ``limit``."""
    threshold = evidence_threshold(edges, limit)
    kept = sum(1 for e in edges if e.evidence >= threshold)
    evidence = f"--min-evidence {threshold} ({kept} edges), " if kept else ""  # useless when every edge ties
    return (
        f"{len(edges)} edges are too many for a browser (limit {limit}); add {evidence}--type, or --around NAME "
        "[--hops N]; or raise --max-edges"
    )


def fitting_min_evidence(store_path: str | Path, max_edges: int = MAX_HTML_EDGES, **filters) -> int:
    """The smallest ``min_evidence`` (at least the one given) whose network has at most ``max_edges`` edges."""
    with RelationStore(store_path, read_only=True) as store:
        edges = _edges(store, filters)
    return max(filters.get("min_evidence", 1), evidence_threshold(edges, max_edges))


def html(
    store_path: str | Path,
    out: str | Path,
    around: str | None = None,
    hops: int = 1,
    max_edges: int | None = None,
    **filters,
) -> Path:
    """Write the (filtered) network — or the neighbourhood of ``around`` — as a standalone HTML page; refused over
    ``max_edges`` edges (default `MAX_HTML_EDGES`; 0: no limit) with the filter that would do."""
    from relnet.views.html import write_html

    max_edges = MAX_HTML_EDGES if max_edges is None else max_edges

    types, min_evidence = filters.get("types"), filters.get("min_evidence", 1)
    min_confidence = filters.get("min_confidence", 0.0)
    with RelationStore(store_path, read_only=True) as store:
        keep = neighbourhood_keys(store, around, hops, types, min_confidence, min_evidence) if around else None
        edges = store.edges(types, min_confidence, min_evidence, touching=keep)
        if keep is not None:
            edges = [e for e in edges if e.head in keep and e.tail in keep]
        if max_edges and len(edges) > max_edges:
            raise RelnetError(f"{store_path}: {too_large(edges, max_edges)}")
        graph = build_graph(store, types, min_evidence, min_confidence, entities=keep)
    title = f"relnet · {Path(store_path).name}" + (
        f" · {around} ({hops} hop{'s' if hops != 1 else ''})" if around else ""
    )
    return write_html(graph, out, title=title)
