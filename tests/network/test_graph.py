from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from relnet.data import CHEMICAL, GENE, Document, Mention, Relation
from relnet.errors import RelnetError
from relnet.network import build_graph, communities, hubs, neighbourhood
from relnet.relations import evidence_of
from relnet.store import RelationStore

# (doc id, text, mentions, relations as (chemical surface, gene surface, label, score))
DOCS = [
    ("1", "Aspirin inhibits COX-2. Aspirin activates PPARG.",
     [("Aspirin", CHEMICAL, 0), ("COX-2", GENE, 0), ("Aspirin", CHEMICAL, 1), ("PPARG", GENE, 0)],
     [(0, 1, "CPR:4", 0.9), (2, 3, "CPR:3", 0.4)]),
    ("2", "Aspirin inhibits cyclooxygenase-2 (COX-2). Ibuprofen inhibits COX-2.",
     [("Aspirin", CHEMICAL, 0), ("cyclooxygenase-2", GENE, 0), ("COX-2", GENE, 0), ("Ibuprofen", CHEMICAL, 0),
      ("COX-2", GENE, 1)],
     [(0, 1, "CPR:4", 0.7), (3, 4, "CPR:4", 0.8)]),
    ("3", "Gefitinib inhibits EGFR. Gefitinib binds EGFR.",
     [("Gefitinib", CHEMICAL, 0), ("EGFR", GENE, 0), ("Gefitinib", CHEMICAL, 1), ("EGFR", GENE, 1)],
     [(0, 1, "CPR:4", 0.95), (2, 3, "CPR:5", 0.6)]),
]  # fmt: skip


def hand_documents() -> list[tuple[Document, list[Relation]]]:
    """Three small documents with mentions (surface, kind, n-th occurrence) and scored relations."""
    out = []
    for doc_id, text, names, rels in DOCS:
        mentions = []
        for i, (surface, kind, nth) in enumerate(names, start=1):
            start = -1
            for _ in range(nth + 1):
                start = text.index(surface, start + 1)
            mentions.append(Mention(f"T{i}", start, start + len(surface), surface, kind))
        relations = [Relation(doc_id, f"T{a + 1}", f"T{b + 1}", label, label, score=s) for a, b, label, s in rels]
        out.append((Document(doc_id, text, tuple(mentions)), relations))
    return out


@pytest.fixture
def store(tmp_path: Path):
    with RelationStore(tmp_path / "hand.sqlite") as s:
        s.add_batch(hand_documents(), model_id="hand")
        yield s


def _edges(g: nx.MultiDiGraph) -> set[tuple[str, str, str, int]]:
    return {(u, v, k, d["evidence"]) for u, v, k, d in g.edges(keys=True, data=True)}


def test_graph_nodes_edges_and_attributes(store: RelationStore) -> None:
    g = build_graph(store)
    assert _edges(g) == {
        ("CHEMICAL:aspirin", "GENE:cox2", "CPR:4", 2),
        ("CHEMICAL:aspirin", "GENE:pparg", "CPR:3", 1),
        ("CHEMICAL:ibuprofen", "GENE:cox2", "CPR:4", 1),
        ("CHEMICAL:gefitinib", "GENE:egfr", "CPR:4", 1),
        ("CHEMICAL:gefitinib", "GENE:egfr", "CPR:5", 1),
    }
    assert g.nodes["GENE:cox2"] == {"kind": GENE, "name": "COX-2", "mentions": 4,
                                    "names": ["COX-2", "cyclooxygenase-2"], "long_forms": ["cyclooxygenase-2"],
                                    "docs": ["1", "2"]}  # fmt: skip
    edge = g.edges["CHEMICAL:aspirin", "GENE:cox2", "CPR:4"]
    assert edge["mean_score"] == pytest.approx(0.8) and edge["docs"] == 2 and edge["group"] == "CPR:4"
    s = edge["sentences"][1]
    assert s["doc_id"] == "2" and s["text"] == "Aspirin inhibits cyclooxygenase-2 (COX-2)."
    assert s["text"][slice(*s["head"])] == "Aspirin" and s["text"][slice(*s["tail"])] == "cyclooxygenase-2"


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"min_evidence": 2}, {("CHEMICAL:aspirin", "GENE:cox2", "CPR:4", 2)}),
        ({"min_confidence": 0.65}, {("CHEMICAL:aspirin", "GENE:cox2", "CPR:4", 2),
                                    ("CHEMICAL:ibuprofen", "GENE:cox2", "CPR:4", 1),
                                    ("CHEMICAL:gefitinib", "GENE:egfr", "CPR:4", 1)}),
        ({"min_confidence": 0.75}, {("CHEMICAL:aspirin", "GENE:cox2", "CPR:4", 1),
                                    ("CHEMICAL:ibuprofen", "GENE:cox2", "CPR:4", 1),
                                    ("CHEMICAL:gefitinib", "GENE:egfr", "CPR:4", 1)}),
        ({"types": ["CPR:3", "CPR:5"]}, {("CHEMICAL:aspirin", "GENE:pparg", "CPR:3", 1),
                                         ("CHEMICAL:gefitinib", "GENE:egfr", "CPR:5", 1)}),
    ],
)  # fmt: skip
def test_graph_filters(store: RelationStore, filters: dict, expected: set) -> None:
    g = build_graph(store, **filters)
    assert _edges(g) == expected
    assert set(g.nodes) == {n for e in expected for n in e[:2]}  # only entities on an edge


def test_an_unknown_type_filter_is_refused_naming_the_stores_labels(store: RelationStore, tmp_path: Path) -> None:
    for types in (["FOO"], ["cpr:3"], ["CPR:4", "FOO"]):  # a typo, the wrong case, one bad of two
        with pytest.raises(RelnetError, match=r"no relation of the store is labelled '(FOO|cpr:3)'.*its labels: CPR:3"):
            build_graph(store, types=types)
    assert _edges(build_graph(store, types=["CPR:4"]))  # a group and a label both pass
    with RelationStore(tmp_path / "empty.sqlite") as empty:  # nothing to name: an empty network, as before
        assert _edges(build_graph(empty, types=["FOO"])) == set()


def test_graph_from_evidence_in_memory_matches_the_store(store: RelationStore) -> None:
    evidence = [e for doc, rels in hand_documents() for e in evidence_of(doc, rels)]
    assert _edges(build_graph(evidence)) == _edges(build_graph(store))
    assert _edges(build_graph(evidence, types=["CPR:4"], min_evidence=2)) == _edges(
        build_graph(store, types=["CPR:4"], min_evidence=2)
    )


def test_graph_neighbourhood_hubs_communities(store: RelationStore) -> None:
    g = build_graph(store)
    assert set(neighbourhood(g, "cox 2", 1)) == {"GENE:cox2", "CHEMICAL:aspirin", "CHEMICAL:ibuprofen"}
    assert set(neighbourhood(g, "COX-2", 2)) == {"GENE:cox2", "CHEMICAL:aspirin", "CHEMICAL:ibuprofen", "GENE:pparg"}
    assert neighbourhood(g, "EGFR", 1).number_of_edges() == 2
    with pytest.raises(RelnetError, match="did you mean Aspirin"):
        neighbourhood(g, "Aspirine")
    genes, chemicals = hubs(g, k=2)
    assert [(h.name, h.partners) for h in genes] == [("COX-2", 2), ("EGFR", 1)]
    assert [(h.name, h.partners) for h in chemicals] == [("Aspirin", 2), ("Gefitinib", 1)]
    assert communities(g) == [
        {"CHEMICAL:aspirin", "CHEMICAL:ibuprofen", "GENE:cox2", "GENE:pparg"},
        {"CHEMICAL:gefitinib", "GENE:egfr"},
    ]
    assert communities(nx.MultiDiGraph()) == []


def test_store_edges_in_sql_agree_with_the_graph(store: RelationStore) -> None:
    """`RelationStore.edges` counts in SQL what `build_graph` counts from the sentences, under every filter."""
    for filters in ({}, {"min_evidence": 2}, {"min_confidence": 0.75}, {"types": ["CPR:5"]}):
        g = build_graph(store, **filters)
        expected = {
            (u, v, d["label"], d["evidence"], d["docs"], round(d["mean_score"], 6)) for u, v, d in g.edges(data=True)
        }
        rows = store.edges(filters.get("types"), filters.get("min_confidence", 0.0), filters.get("min_evidence", 1))
        assert {(e.head, e.tail, e.label, e.evidence, e.docs, round(e.mean_score, 6)) for e in rows} == expected


def test_neighbourhood_and_summary_from_the_store_match_the_graph(store: RelationStore) -> None:
    from relnet.network.api import neighbourhood_graph, summary

    g = build_graph(store)
    for name, hops in (("cox 2", 1), ("COX-2", 2), ("EGFR", 1)):
        sub = neighbourhood_graph(store.path, name, hops)
        expected = neighbourhood(g, name, hops)
        assert set(sub.nodes) == set(expected.nodes) and set(sub.edges(keys=True)) == set(expected.edges(keys=True))
        assert [d["sentences"] for *_, d in sorted(sub.edges(keys=True, data=True))] == [
            d["sentences"] for *_, d in sorted(expected.edges(keys=True, data=True))
        ]
    with pytest.raises(RelnetError, match="did you mean Aspirin"):
        neighbourhood_graph(store.path, "Aspirine")
    text = summary(store.path, k=2)
    assert "6 nodes (3 chemicals, 3 genes), 5 edges, 2 communities" in text and "     2  COX-2" in text


def test_html_refuses_a_graph_too_large_and_names_the_filter(store: RelationStore, tmp_path: Path) -> None:
    from relnet.network.api import fitting_min_evidence, html

    with pytest.raises(RelnetError, match=r"5 edges are too many.*limit 2\); add --min-evidence 2 \(1 edges\)"):
        html(store.path, tmp_path / "net.html", max_edges=2)
    assert fitting_min_evidence(store.path, max_edges=2) == 2
    page = html(store.path, tmp_path / "net.html", max_edges=2, min_evidence=2)  # the filter it named
    assert "Aspirin" in page.read_text() and "Gefitinib" not in page.read_text()
    page = html(store.path, tmp_path / "around.html", around="EGFR", max_edges=2)  # a neighbourhood fits
    assert "Gefitinib" in page.read_text() and "Ibuprofen" not in page.read_text()


def test_csv_export_from_sql_has_the_graph_exports_rows(store: RelationStore, tmp_path: Path) -> None:
    import csv

    from relnet.network.api import export
    from relnet.network.export import to_csv

    for filters in ({}, {"min_evidence": 2}, {"types": ["CPR:4"]}):
        to_csv(build_graph(store, **filters), tmp_path / "graph.csv")
        export(store.path, tmp_path / "sql.csv", "csv", **filters)
        rows = [list(csv.reader((tmp_path / name).open())) for name in ("graph.csv", "sql.csv")]
        assert rows[0][0] == rows[1][0] and sorted(rows[0][1:]) == sorted(rows[1][1:]) and len(rows[1]) > 1


def test_a_sentence_is_one_piece_of_evidence_however_many_of_its_pairs_fall_on_the_edge(tmp_path: Path) -> None:
    # "cyclooxygenase-2 (COX-2)": two gene mentions, one entity; both pairs with aspirin are one sentence of evidence
    text = "Aspirin inhibits cyclooxygenase-2 (COX-2) in platelets."
    mentions = (Mention("T1", 0, 7, "Aspirin", CHEMICAL), Mention("T2", 17, 33, "cyclooxygenase-2", GENE),
                Mention("T3", 35, 40, "COX-2", GENE))  # fmt: skip
    one = Document("1", text, mentions)
    two = Document("2", "Aspirin blocks COX-2.", (Mention("T1", 0, 7, "Aspirin", CHEMICAL),
                                                  Mention("T2", 15, 20, "COX-2", GENE)))  # fmt: skip
    batch = [(one, [Relation("1", "T1", "T2", "CPR:4", "CPR:4", score=0.7),
                    Relation("1", "T1", "T3", "CPR:4", "CPR:4", score=0.9)]),
             (two, [Relation("2", "T1", "T2", "CPR:4", "CPR:4", score=0.5)])]  # fmt: skip
    with RelationStore(tmp_path / "s.sqlite") as store:
        store.add_batch(batch, model_id="m")
        from_store, (row,) = build_graph(store), store.edges()
        assert len(build_graph(store, min_evidence=2).edges) == 1 and store.edges(min_evidence=3) == []
    in_memory = build_graph([e for doc, rels in batch for e in evidence_of(doc, rels)])
    for graph in (from_store, in_memory):
        ((_, _, data),) = graph.edges(data=True)
        assert (data["evidence"], data["docs"], data["mean_score"]) == (2, 2, pytest.approx(0.7))
        first = data["sentences"][0]  # the sentence's best-scored pair: aspirin → COX-2
        assert first["text"][slice(*first["tail"])] == "COX-2" and first["score"] == 0.9
    assert (row.evidence, row.docs, row.mean_score) == (2, 2, pytest.approx(0.7))


def test_a_sentence_with_a_gold_and_a_scored_pair_keeps_the_scored_one_in_sql_and_python(tmp_path: Path) -> None:
    text = "Aspirin inhibits cyclooxygenase-2 (COX-2)."
    mentions = (Mention("T1", 0, 7, "Aspirin", CHEMICAL), Mention("T2", 17, 33, "cyclooxygenase-2", GENE),
                Mention("T3", 35, 40, "COX-2", GENE))  # fmt: skip
    rels = [Relation("1", "T1", "T2", "CPR:4", "CPR:4"), Relation("1", "T1", "T3", "CPR:4", "CPR:4", score=0.0)]
    with RelationStore(tmp_path / "s.sqlite") as store:
        store.add_batch([(Document("1", text, mentions), rels)], model_id="m")
        ((*_, data),), (row,) = build_graph(store).edges(data=True), store.edges()
    assert data["mean_score"] == row.mean_score == 0.0 and data["evidence"] == row.evidence == 1
