"""The attributes `build_graph` puts on a network's nodes and edges, typed once, and the records that exports,
the HTML view and the web API hand out (the attributes plus ``id``, and ``source``/``target`` for edges).

A node is keyed by its entity key (``KIND:normalised``); an edge by ``(chemical key, gene key, label)``.
Read a graph through `nodes` and `edges` to get typed attributes; build records with `node_record`
and `edge_record`, so every output names and converts the fields the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TypedDict, cast

import networkx as nx


class SentenceData(TypedDict):
    """One evidence sentence; ``head`` (the chemical) and ``tail`` (the gene) are ``[start, end]`` offsets into
    ``text``; ``score`` is the model's probability of the edge's label (``None``: a gold relation)."""

    doc_id: str
    text: str
    head: list[int]
    tail: list[int]
    score: float | None


class NodeData(TypedDict):
    """A node's attributes: ``kind`` is CHEMICAL or GENE, ``name`` the display name, ``mentions`` the entity's
    mention spans, ``names`` their texts (most frequent first), ``long_forms`` what its documents define its
    abbreviation as, ``docs`` the documents that mention it (sorted)."""

    kind: str
    name: str
    mentions: int
    names: list[str]
    long_forms: list[str]
    docs: list[str]


class EdgeData(TypedDict):
    """An edge's attributes: ``group`` is the label's CPR group ("" where the scheme has none), ``evidence`` the
    sentences it was read from, ``docs`` the distinct documents, ``mean_score`` the mean of the scored
    sentences' scores (1.0 when none is scored: gold relations)."""

    label: str
    group: str
    evidence: int
    docs: int
    mean_score: float
    sentences: list[SentenceData]


class NodeRecord(NodeData):
    id: str


class EdgeRecord(EdgeData):
    id: str
    source: str
    target: str


def nodes(graph: nx.MultiDiGraph) -> Iterator[tuple[str, NodeData]]:
    """``(key, attributes)`` for every node of a graph made by `build_graph`."""
    return cast(Iterator[tuple[str, NodeData]], iter(graph.nodes(data=True)))


def edges(graph: nx.MultiDiGraph) -> Iterator[tuple[str, str, str, EdgeData]]:
    """``(chemical key, gene key, label, attributes)`` for every edge of a graph made by `build_graph`."""
    return cast(Iterator[tuple[str, str, str, EdgeData]], iter(graph.edges(keys=True, data=True)))


def edge_id(source: str, target: str, key: str) -> str:
    return f"{source}|{target}|{key}"


def node_record(key: str, data: NodeData) -> NodeRecord:
    return {
        "id": key,
        "kind": data["kind"],
        "name": data["name"],
        "mentions": data["mentions"],
        "names": data["names"],
        "long_forms": data["long_forms"],
        "docs": data["docs"],
    }


def edge_record(
    source: str, target: str, key: str, data: EdgeData, max_sentences: int | None = None, digits: int | None = None
) -> EdgeRecord:
    """The edge with its id and ends; at most ``max_sentences`` sentences (``evidence`` keeps the total) and
    ``mean_score`` rounded to ``digits`` where given (``None``: all, unrounded)."""
    score = data["mean_score"] if digits is None else round(data["mean_score"], digits)
    return {
        "id": edge_id(source, target, key),
        "source": source,
        "target": target,
        "label": data["label"],
        "group": data["group"],
        "evidence": data["evidence"],
        "docs": data["docs"],
        "mean_score": score,
        "sentences": data["sentences"][:max_sentences],
    }
