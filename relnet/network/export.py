"""`networkx.MultiDiGraph` → files for other tools: GraphML (Gephi, Cytoscape desktop), Cytoscape.js JSON, CSV.

GraphML attributes must be scalars, so lists (an edge's ``sentences``) are written as JSON strings;
`json.loads` reads them back. Cytoscape.js elements are the `node_record`s and `edge_record`s of
`relnet.network.types` (every sentence, unrounded scores).
"""

from __future__ import annotations

import csv
import json
import logging
from pathlib import Path
from typing import Any

import networkx as nx

from relnet.corpus.xmlio import xml_safe, xml_safe_id
from relnet.errors import RelnetError
from relnet.network.types import edge_record, edges, node_record, nodes

EXPORT_FORMATS = ("graphml", "cyjs", "csv")
log = logging.getLogger("relnet")


def _id(value: Any, replaced: list[int]) -> Any:
    """A node id or edge key XML can hold, escaped, not blanked (two entities must not become one node)."""
    if isinstance(value, str):
        value, n = xml_safe_id(value)
        replaced[0] += n
    return value


def _scalar(value: Any, replaced: list[int]) -> Any:
    """A GraphML attribute value: JSON for a list (its escapes keep control characters out); a string whose
    characters XML cannot hold are spaces (counted in ``replaced``)."""
    if isinstance(value, list | dict | tuple):
        return json.dumps(value)
    if isinstance(value, str):
        value, n = xml_safe(value)
        replaced[0] += n
    return value


def to_graphml(graph: nx.MultiDiGraph, path: str | Path) -> Path:
    """Write GraphML; list attributes become JSON strings, ``None`` attributes are left out."""
    flat, replaced = nx.MultiDiGraph(), [0]
    for n, d in graph.nodes(data=True):
        flat.add_node(_id(n, replaced), **{k: _scalar(v, replaced) for k, v in d.items() if v is not None})
    for u, v, key, d in graph.edges(keys=True, data=True):
        attrs = {k: _scalar(x, replaced) for k, x in d.items() if x is not None}
        flat.add_edge(_id(u, replaced), _id(v, replaced), key=_id(key, replaced), **attrs)
    if replaced[0]:
        log.warning("%s: %d characters XML cannot hold (control characters) written as spaces (in ids: as \\uXXXX)",
                    path, replaced[0])  # fmt: skip
    nx.write_graphml(flat, str(path))
    return Path(path)


def to_cytoscape(graph: nx.MultiDiGraph) -> dict[str, Any]:
    """Cytoscape.js elements: ``{"elements": {"nodes": [{"data": …}], "edges": [{"data": …}]}}``."""
    return {
        "elements": {
            "nodes": [{"data": node_record(n, d)} for n, d in nodes(graph)],
            "edges": [{"data": edge_record(u, v, key, d)} for u, v, key, d in edges(graph)],
        }
    }


CSV_COLUMNS = ("source", "source_name", "target", "target_name", "label", "group", "evidence", "docs", "mean_score")


def to_csv(graph: nx.MultiDiGraph, path: str | Path) -> Path:
    """One row per edge: the two entities, the relation label and group, evidence counts and mean score."""
    with Path(path).open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(CSV_COLUMNS)
        names = {n: d["name"] for n, d in nodes(graph)}
        for u, v, _, d in edges(graph):
            writer.writerow(
                [u, names[u], v, names[v], d["label"], d["group"], d["evidence"], d["docs"], f"{d['mean_score']:.4f}"]
            )
    return Path(path)


def export_graph(graph: nx.MultiDiGraph, path: str | Path, fmt: str) -> Path:
    """Write ``graph`` to ``path`` as ``graphml``, ``cyjs`` or ``csv``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "graphml":
        return to_graphml(graph, path)
    if fmt == "cyjs":
        path.write_text(json.dumps(to_cytoscape(graph), indent=1), encoding="utf-8")
        return path
    if fmt == "csv":
        return to_csv(graph, path)
    raise RelnetError(f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
