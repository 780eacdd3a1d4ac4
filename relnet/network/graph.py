"""`Evidence` (from a `RelationStore` or memory) → a chemical → gene `networkx.MultiDiGraph`, and queries on it.

Nodes are entities (key; attributes `NodeData`: ``kind``, ``name``, ``mentions``); there is one edge per
(chemical, gene, relation label), keyed by the label, with attributes `EdgeData`: ``label``, ``group``,
``evidence`` (sentences), ``docs`` (distinct documents), ``mean_score`` and ``sentences``, a list of
`SentenceData` ``{doc_id, text, head: [start, end], tail: [start, end], score}`` (types in `relnet.network.types`).
Only entities on an edge are nodes. Nodes also carry ``names`` (the entity's mention texts, most frequent
first), ``long_forms`` (what its documents define its abbreviation as) and ``docs`` (the documents that mention
it): a store's mentions, or without a store the evidence's.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx

from relnet.data import CHEMICAL, GENE, Evidence
from relnet.errors import NotFound
from relnet.mentions.normalize import entity_key
from relnet.network.types import EdgeData, SentenceData
from relnet.store.sqlite import RelationStore


def build_graph(
    source: RelationStore | Iterable[Evidence],
    types: Iterable[str] | None = None,
    min_evidence: int = 1,
    min_confidence: float = 0.0,
    entities: Iterable[str] | None = None,
) -> nx.MultiDiGraph:
    """The network of ``source``'s relations.

    ``types`` keeps relations whose label or CPR group is listed; ``min_confidence`` drops
    relations scored below it (gold relations have no score and stay); ``min_evidence`` drops
    edges read from fewer sentences; ``entities`` (a store only) keeps edges between these entity keys.
    """
    types = None if types is None else set(types)
    if isinstance(source, RelationStore):
        rows = source.evidence(types, min_confidence, entities=entities)
        mention_counts: dict[str, int] | None = source.mention_counts()
    else:
        rows = [
            r
            for r in source
            if (types is None or r.label in types or r.group in types)
            and (r.score is None or r.score >= min_confidence)
        ]
        mention_counts = None

    edges: dict[tuple[str, str, str], list[Evidence]] = {}
    for r in _per_sentence(rows):
        edges.setdefault((r.head.key, r.tail.key, r.label), []).append(r)
    # without a store, count the distinct mention spans that appear in the evidence
    spans = {(r.doc_id, r.sentence, r.head_span, r.head.key) for r in rows}
    spans |= {(r.doc_id, r.sentence, r.tail_span, r.tail.key) for r in rows}
    seen_mentions = Counter(key for *_, key in spans)

    graph = nx.MultiDiGraph()
    for (head, tail, label), ev in edges.items():
        if len(ev) < min_evidence:
            continue
        for ref in (ev[0].head, ev[0].tail):
            if ref.key not in graph:
                count = mention_counts.get(ref.key, 0) if mention_counts is not None else seen_mentions[ref.key]
                graph.add_node(ref.key, kind=ref.kind, name=ref.name, mentions=count)  # `_describe_nodes`: the rest
        scores = [r.score for r in ev if r.score is not None]
        data = EdgeData(
            label=label,
            group=ev[0].group,
            evidence=len(ev),
            docs=len({r.doc_id for r in ev}),
            mean_score=sum(scores) / len(scores) if scores else 1.0,
            sentences=[_sentence(r) for r in ev],
        )
        graph.add_edge(head, tail, key=label, **data)
    _describe_nodes(graph, source if isinstance(source, RelationStore) else None, rows)
    return graph


def _per_sentence(rows: list[Evidence]) -> list[Evidence]:
    """One piece of evidence per (edge, sentence), in order: the sentence's highest-scored pair on that edge (two
    mentions of one entity in a sentence, "cyclooxygenase-2 (COX-2)", make one sentence of evidence, not two)."""
    kept: dict[tuple[str, str, str, str, int | str], Evidence] = {}
    for r in rows:
        where = r.sentence_start if r.sentence_start is not None else r.sentence
        key = (r.head.key, r.tail.key, r.label, r.doc_id, where)
        best = kept.get(key)  # the highest score, an unscored (gold) pair the last choice: SQL's MAX ignores NULL
        if best is None or (r.score is not None and (best.score is None or r.score > best.score)):
            kept[key] = r
    return list(kept.values())


def _describe_nodes(graph: nx.MultiDiGraph, store: RelationStore | None, rows: list[Evidence]) -> None:
    """Add ``names``, ``long_forms`` and ``docs`` to the nodes: from the store, else from the evidence."""
    if store is not None:
        for key, d in store.entity_details(graph.nodes).items():
            graph.nodes[key].update(names=list(d.names), long_forms=list(d.long_forms), docs=list(d.docs))
        return
    names: dict[str, Counter[str]] = {}
    docs: dict[str, set[str]] = {}
    seen = set()
    for r in rows:
        for ref, span in ((r.head, r.head_span), (r.tail, r.tail_span)):
            if ref.key in graph and (r.doc_id, r.sentence, span, ref.key) not in seen:
                seen.add((r.doc_id, r.sentence, span, ref.key))
                names.setdefault(ref.key, Counter())[r.sentence[slice(*span)]] += 1
                docs.setdefault(ref.key, set()).add(r.doc_id)
    for key in graph.nodes:
        counts = names.get(key, Counter())
        ranked = sorted(counts, key=lambda t: (-counts[t], len(t), t))
        graph.nodes[key].update(names=ranked, long_forms=[], docs=sorted(docs.get(key, ())))


def _sentence(r: Evidence) -> SentenceData:
    return SentenceData(
        doc_id=r.doc_id, text=r.sentence, head=r.head_span.as_list(), tail=r.tail_span.as_list(), score=r.score
    )


def find_nodes(graph: nx.MultiDiGraph, name: str) -> list[str]:
    """Nodes named ``name`` (by key, by grouping key of either kind, or by display name)."""
    return match_entities(((n, d["name"], d["kind"]) for n, d in graph.nodes(data=True)), name)


def match_entities(entities: Iterable[tuple[str, str, str]], name: str) -> list[str]:
    """Keys of the ``(key, name, kind)`` entities called ``name`` (by key, by grouping key of either kind, or by
    display name); none: an error suggesting close names."""
    wanted = {name, entity_key(name, CHEMICAL), entity_key(name, GENE)}
    entities = list(entities)
    hits = [key for key, n, kind in entities if key in wanted or entity_key(n, kind) in wanted]
    if not hits:
        close = difflib.get_close_matches(name, sorted({n for _, n, _ in entities}), n=5)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise NotFound(f"no entity named {name!r} in the network{hint}")
    return hits


def neighbourhood(graph: nx.MultiDiGraph, name: str, hops: int = 1) -> nx.MultiDiGraph:
    """The subgraph within ``hops`` edges (either direction) of the entities named ``name``."""
    undirected = graph.to_undirected(as_view=True)
    keep: set[str] = set()
    for node in find_nodes(graph, name):
        keep |= set(nx.single_source_shortest_path_length(undirected, node, cutoff=hops))
    return graph.subgraph(keep).copy()


@dataclass(frozen=True)
class Hub:
    key: str
    name: str
    partners: int  # distinct entities on the other side


def hubs(graph: nx.MultiDiGraph, k: int = 10) -> tuple[list[Hub], list[Hub]]:
    """The ``k`` most-targeted genes (distinct chemicals) and most promiscuous chemicals (distinct genes)."""
    entities = {n: (d["name"], d["kind"]) for n, d in graph.nodes(data=True)}
    return rank_hubs(((u, v) for u, v in graph.edges()), entities, k)


def rank_hubs(
    pairs: Iterable[tuple[str, str]], entities: dict[str, tuple[str, str]], k: int = 10
) -> tuple[list[Hub], list[Hub]]:
    """`hubs` from chemical → gene key ``pairs`` and ``entities`` (key → (name, kind)), without a graph."""
    partners: dict[str, set[str]] = {}
    for u, v in pairs:
        partners.setdefault(u, set()).add(v)
        partners.setdefault(v, set()).add(u)

    def top(kind: str) -> list[Hub]:
        ranked = [Hub(n, entities[n][0], len(p)) for n, p in partners.items() if entities[n][1] == kind]
        return sorted(ranked, key=lambda h: (-h.partners, h.name))[:k]

    return top(GENE), top(CHEMICAL)


def communities(graph: nx.MultiDiGraph) -> list[set[str]]:
    """Greedy-modularity communities of the undirected projection (edges weighted by evidence), largest first."""
    return weighted_communities(graph.nodes, ((u, v, ev) for u, v, ev in graph.edges(data="evidence")))


def weighted_communities(nodes: Iterable[str], edges: Iterable[tuple[str, str, int]]) -> list[set[str]]:
    """`communities` from nodes and ``(u, v, evidence)`` edges, without a graph of sentences."""
    simple = nx.Graph()
    simple.add_nodes_from(nodes)
    for u, v, ev in edges:
        w = simple.get_edge_data(u, v, {"weight": 0})["weight"]
        simple.add_edge(u, v, weight=w + ev)
    if simple.number_of_edges() == 0:
        return [{n} for n in simple]
    found = nx.community.greedy_modularity_communities(simple, weight="weight")
    return sorted((set(c) for c in found), key=lambda c: (-len(c), sorted(c)))
