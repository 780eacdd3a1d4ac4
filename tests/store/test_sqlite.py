from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from relnet.data import CHEMICAL, GENE, Document, EntityDetails, Mention, Relation
from relnet.errors import RelnetError
from relnet.mentions.normalize import group_mentions
from relnet.store import RelationStore
from relnet.store.sqlite import SCHEMA_VERSION


def _doc(doc_id: str = "1") -> tuple[Document, list[Relation]]:
    text = "The epidermal growth factor receptor (EGFR) is blocked by gefitinib. Aspirin inhibits COX-2."
    spans = [("epidermal growth factor receptor", GENE), ("EGFR", GENE), ("gefitinib", CHEMICAL),
             ("Aspirin", CHEMICAL), ("COX-2", GENE)]  # fmt: skip
    mentions = tuple(
        Mention(f"T{i}", text.index(t), text.index(t) + len(t), t, kind) for i, (t, kind) in enumerate(spans, 1)
    )
    rels = [Relation(doc_id, "T3", "T2", "CPR:4", "CPR:4", score=0.8), Relation(doc_id, "T4", "T5", "CPR:4", "CPR:4")]
    return Document(doc_id, text, mentions, source="test"), rels


def _rows(path: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(path) as conn:
        return {
            t: sorted(conn.execute(f"SELECT * FROM {t}")) for t in ("documents", "mentions", "entities", "relations")
        }


def test_sqlite_add_batch_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    with RelationStore(path) as store:
        store.add_batch([_doc("1"), _doc("2")], model_id="m")
        first = _rows(path)
        store.add_batch([_doc("1")], model_id="m")
        assert store.done_ids() == {"1", "2"}
    with RelationStore(path) as store:  # reopening keeps the schema and the rows
        store.add_batch([_doc("2")], model_id="m")
    assert _rows(path) == first
    assert [len(first[t]) for t in ("documents", "mentions", "relations")] == [2, 10, 4]
    # EGFR and its long form are one entity; gefitinib, aspirin and COX-2 the others
    assert [k for k, *_ in first["entities"]] == ["CHEMICAL:aspirin", "CHEMICAL:gefitinib", "GENE:cox2", "GENE:egfr"]


def test_sqlite_add_batch_is_atomic(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    doc, rels = _doc("1")
    broken = [Relation("2", "T3", "T99", "CPR:4")]  # refers to a mention that does not exist
    with RelationStore(path) as store:
        with pytest.raises(RelnetError, match="document 2: relation T3 → T99 names no mention T99"):
            store.add_batch([(doc, rels), (_doc("2")[0], broken)])
        assert store.done_ids() == set()


@pytest.mark.parametrize("score", [float("nan"), 7.0, -0.1, "0.9"])
def test_sqlite_a_score_that_is_no_probability_is_refused(tmp_path: Path, score) -> None:
    # NaN was stored as NULL, the mark of a gold relation: it passed every --min-confidence with mean score 1.0
    doc, rels = _doc("1")
    with RelationStore(tmp_path / "s.sqlite") as store:
        with pytest.raises(RelnetError, match="not a probability"):
            store.add_batch([(doc, [replace(rels[0], score=score)])], model_id="m")
        assert store.done_ids() == set()


def test_sqlite_evidence_joins_entities_and_sentences(tmp_path: Path) -> None:
    with RelationStore(tmp_path / "s.sqlite") as store:
        store.add_batch([_doc("1")], model_id="m")
        ev = store.evidence()
        assert [(e.head.name, e.tail.name, e.tail.key, e.sentence) for e in ev] == [
            ("gefitinib", "EGFR", "GENE:egfr", "The epidermal growth factor receptor (EGFR) is blocked by gefitinib."),
            ("Aspirin", "COX-2", "GENE:cox2", "Aspirin inhibits COX-2."),
        ]
        e = ev[0]
        assert e.sentence[slice(*e.head_span)] == "gefitinib" and e.sentence[slice(*e.tail_span)] == "EGFR"
        assert len(store.evidence(min_confidence=0.9)) == 1  # the unscored (gold) relation stays
        assert store.evidence(types=["CPR:3"]) == []
        assert store.mention_counts()["GENE:egfr"] == 2
        assert store.counts()["relations_by_label"] == {"CPR:4": 2}


def test_sqlite_read_only_and_runs(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    with pytest.raises(RelnetError, match="store not found"):
        RelationStore(path, read_only=True)
    with RelationStore(path) as store:
        run = store.start_run({"relations": "model"}, {"batch_docs": 4})
        store.add_batch([_doc()])
    with RelationStore(path, read_only=True) as store:
        assert store.runs()[0]["id"] == run and store.runs()[0]["params"] == {"batch_docs": 4}
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            store.add_batch([_doc("3")])
    (tmp_path / "junk.sqlite").write_text("not a database at all, not at all, really not")
    with pytest.raises(RelnetError, match="not a SQLite database|not a relnet store"):
        RelationStore(tmp_path / "junk.sqlite", read_only=True)


def test_sqlite_a_second_model_adds_its_relations_to_the_same_documents(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    with RelationStore(path) as store:
        store.add_batch([_doc("1"), _doc("2")], model_id="m")
        assert store.done_ids("m2") == set() and store.done_ids("m") == {"1", "2"}
        doc, rels = _doc("1")
        store.add_batch([(doc, [replace(r, label="CPR:3", group="CPR:3") for r in rels])], model_id="m2")
        store.add_batch([(doc, [replace(r, label="CPR:9", group="CPR:9") for r in rels])], model_id="m2")  # no-op
        assert store.done_ids("m2") == {"1"} and store.done_ids() == {"1", "2"}
    rows = _rows(path)
    assert len(rows["documents"]) == 2 and len(rows["mentions"]) == 10  # text and mentions stored once
    assert sorted({(r[0], r[3], r[6]) for r in rows["relations"]}) == [
        ("1", "CPR:3", "m2"), ("1", "CPR:4", "m"), ("2", "CPR:4", "m")
    ]  # fmt: skip


def test_sqlite_a_second_model_with_other_mentions_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    doc, rels = _doc("1")
    with RelationStore(path) as store:
        store.add_batch([(doc, rels)], model_id="m")
        other = doc.with_annotations(doc.mentions[:-1], ())
        with pytest.raises(RelnetError, match="document 1 is stored with another text or other mentions"):
            store.add_batch([(other, [])], model_id="m2")
        assert store.done_ids("m2") == set()  # the failed batch left nothing behind


def _as_version_1(path: Path) -> None:
    """Make a store look like one written before `mined` existed."""
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE mined")
        conn.execute("PRAGMA user_version = 1")


def test_sqlite_a_version_1_store_is_upgraded_with_its_mined_documents(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    doc3, _ = _doc("3")
    with RelationStore(path) as store:
        store.add_batch([_doc("1"), _doc("2")], model_id="A")
        store.add_batch([_doc("3")], model_id="B")
        store.add_batch([(Document("4", doc3.text, doc3.mentions), [])], model_id="B")
    _as_version_1(path)
    with RelationStore(path) as store:
        # each model read the documents of its own relations; "4" has none and two models exist: mined again
        assert store.done_ids("A") == {"1", "2"} and store.done_ids("B") == {"3"}


def test_sqlite_a_version_1_store_of_one_model_keeps_its_documents_without_relations(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    doc, _ = _doc("2")
    with RelationStore(path) as store:
        store.start_run({"relations": "A"}, {})
        store.add_batch([_doc("1"), (doc, [])], model_id="A")
    _as_version_1(path)
    with RelationStore(path) as store:
        assert store.done_ids("A") == {"1", "2"}


def test_sqlite_evidence_counts_a_relation_found_by_two_models_once(tmp_path: Path) -> None:
    with RelationStore(tmp_path / "s.sqlite") as store:
        store.add_batch([_doc("1")], model_id="m")
        doc, rels = _doc("1")
        store.add_batch([(doc, [replace(r, score=0.9) for r in rels[:1]])], model_id="m2")
        ev = store.evidence()
        assert [(e.head.name, e.score, e.model_id) for e in ev] == [("gefitinib", 0.9, "m m2"), ("Aspirin", None, "m")]
        assert [e.score for e in store.evidence(model_id="m")] == [0.8, None]
        assert len(store.relation_spans()) == 2 and len(store.relation_spans("m2")) == 1


# -- entities: concept ids and abbreviations across documents ------------------------------------------------------
def _named(doc_id: str, text: str, *names: tuple[str, str, str]) -> tuple[Document, list[Relation]]:
    """A document with a mention per ``(surface, kind, concept)``, each after the one before."""
    mentions, start = [], 0
    for i, (surface, kind, concept) in enumerate(names, start=1):
        start = text.index(surface, start)
        mentions.append(Mention(f"T{i}", start, start + len(surface), surface, kind, concept=concept))
        start += len(surface)
    return Document(doc_id, text, tuple(mentions)), []


AR_DOCS = [
    _named("1", "The androgen receptor (AR) binds. AR is nuclear.",
           ("androgen receptor", GENE, ""), ("AR", GENE, ""), ("AR", GENE, "")),
    _named("2", "Aldose reductase (AR) reduces glucose.", ("Aldose reductase", GENE, ""), ("AR", GENE, "")),
    _named("3", "AR was measured.", ("AR", GENE, "")),
    _named("4", "Androgen receptor (AR) was cloned.", ("Androgen receptor", GENE, ""), ("AR", GENE, "")),
]  # fmt: skip


def _keys(store: RelationStore) -> dict[tuple[str, str], str]:
    return dict(((d, i), k) for d, i, k in store.conn.execute("SELECT doc_id, id, entity_key FROM mentions"))


@pytest.mark.parametrize("batches", [[[0, 1, 2, 3]], [[0], [2], [3], [1]], [[1], [2, 3], [0]], [[2], [1, 0, 3]]])
def test_sqlite_short_forms_group_the_same_whatever_the_order(tmp_path: Path, batches: list[list[int]]) -> None:
    with RelationStore(tmp_path / "s.sqlite") as store:
        for batch in batches:
            store.add_batch([AR_DOCS[i] for i in batch])
        assert _keys(store) == group_mentions(d for d, _ in AR_DOCS)
        assert {(e.key, e.name) for e in store.entities()} == {
            ("GENE:androgenreceptor", "AR"), ("GENE:aldosereductase", "AR"), ("GENE:ar", "AR")
        }  # fmt: skip
        details = store.entity_details(["GENE:androgenreceptor", "GENE:ar"])
        assert details["GENE:androgenreceptor"] == EntityDetails(
            ("AR", "Androgen receptor", "androgen receptor"), ("androgen receptor", "Androgen receptor"), ("1", "4")
        )
        assert details["GENE:ar"] == EntityDetails(("AR",), (), ("3",))


def test_sqlite_an_unambiguous_short_form_joins_across_documents_until_a_second_long_form(tmp_path: Path) -> None:
    with RelationStore(tmp_path / "s.sqlite") as store:
        store.add_batch([AR_DOCS[2], AR_DOCS[0]])
        assert set(_keys(store).values()) == {"GENE:ar"} and [e.key for e in store.entities()] == ["GENE:ar"]
        assert store.mention_counts() == {"GENE:ar": 4}
        store.add_batch([AR_DOCS[1]])  # AR is now also aldose reductase: the undefined AR stands alone
        assert store.mention_counts() == {"GENE:androgenreceptor": 3, "GENE:aldosereductase": 2, "GENE:ar": 1}
        store.delete_documents(["2"])  # and without it, one entity again
        assert store.mention_counts() == {"GENE:ar": 4} and [e.key for e in store.entities()] == ["GENE:ar"]


def test_sqlite_concept_ids_are_stored_and_group_mentions(tmp_path: Path) -> None:
    doc, _ = _named("7", "PTGS2 (COX-2) and COX-2 bind aspirin.",
                    ("PTGS2", GENE, "5743"), ("COX-2", GENE, "5743"), ("COX-2", GENE, "5743"),
                    ("aspirin", CHEMICAL, "MESH:D001241"))  # fmt: skip
    path = tmp_path / "s.sqlite"
    with RelationStore(path) as store:
        store.add_batch([(doc, [Relation("7", "T4", "T1", "CPR:4", "CPR:4", score=0.5)])], model_id="m")
    with RelationStore(path, read_only=True) as store:
        assert store.document("7") == doc
        assert {(e.key, e.name) for e in store.entities()} == {
            ("GENE:id:5743", "COX-2"), ("CHEMICAL:id:MESH:D001241", "aspirin")
        }  # fmt: skip
        assert store.entity_details()["GENE:id:5743"].concepts == ("5743",)
        (exported,) = store.documents()
        assert exported == doc.with_annotations(relations=(Relation("7", "T4", "T1", "CPR:4", "CPR:4", score=0.5),))


def test_sqlite_a_version_2_store_gains_the_grouping_columns(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    with RelationStore(path) as store:
        store.add_batch(AR_DOCS)
        grouped = _keys(store)
    with sqlite3.connect(path) as conn:  # as written before version 3: the old keys, no grouping columns
        conn.execute("UPDATE mentions SET entity_key = 'GENE:ar' WHERE kind = 'GENE' AND text = 'AR'")
        for index in ("mentions_surface_key", "mentions_short_key", "mentions_long"):
            conn.execute(f"DROP INDEX {index}")
        for column in ("concept", "surface_key", "short_key", "long_key", "long_form"):
            conn.execute(f"ALTER TABLE mentions DROP COLUMN {column}")
        conn.execute("PRAGMA user_version = 2")
    with RelationStore(path, read_only=True) as store:  # readable as it is
        assert store.document("3") == AR_DOCS[2][0] and store.entity_details()["GENE:ar"].long_forms == ()
    with RelationStore(path) as store:
        assert _keys(store) == grouped
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
