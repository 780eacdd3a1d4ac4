"""The store's document metadata, deletions and versions (MEDLINE baseline + update files)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from relnet.data import CHEMICAL, GENE, Document, Mention, Relation
from relnet.store import RelationStore
from relnet.store.sqlite import SCHEMA_VERSION, revision

MESH = (("D000077156", "Gefitinib"), ("D066246", "ErbB Receptors"))


def _doc(doc_id: str, chemical: str = "Gefitinib", revised: str = "2020-01-08", version: int = 1):
    text = f"{chemical} inhibits EGFR."
    mentions = (Mention("T1", 0, len(chemical), chemical, CHEMICAL), Mention("T2", text.index("EGFR"), len(text) - 1,
                                                                            "EGFR", GENE))  # fmt: skip
    meta = {"version": version, "revised": revised, "journal": "J Med Chem", "year": 2019, "mesh": MESH,
            "passages": ((0, "title"),)}  # fmt: skip
    doc = Document(doc_id, text, mentions, title_end=len(text), source="medline", meta=meta)
    return doc, [Relation(doc_id, "T1", "T2", "CPR:4", "CPR:4", score=0.9)]


def _count(path: Path, table: str, where: str = "1") -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute(f"SELECT COUNT(*) FROM {table} WHERE {where}").fetchone()[0]


def test_sqlite_keeps_document_metadata_and_mesh(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    with RelationStore(path) as store:
        store.add_batch([_doc("1")], model_id="m")
        stored = store.document("1")
        assert stored is not None and json.loads(json.dumps(dict(stored.meta))) == json.loads(
            json.dumps(dict(_doc("1")[0].meta))
        )  # JSON gives lists for tuples
        assert store.mesh("1") == list(MESH)
        assert store.revisions(["1", "2"]) == {"1": (1, "2020-01-08")}
        assert store.done_ids("m", among=["1", "2"]) == {"1"} and store.done_ids(among=["2"]) == set()
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT journal, year, version, revised FROM documents").fetchone() == (
            "J Med Chem", 2019, 1, "2020-01-08"
        )  # fmt: skip
        assert conn.execute("SELECT doc_id FROM mesh WHERE ui = 'D066246'").fetchall() == [("1",)]


def test_sqlite_delete_documents_removes_every_row_of_them(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    with RelationStore(path) as store:
        store.add_batch([_doc("1", "Erlotinib"), _doc("2")], model_id="a")
        store.add_batch([_doc("1", "Erlotinib")], model_id="b")
        assert store.delete_documents(["1", "404", "1"]) == 1  # unknown ids and repeats are fine
        assert store.document("1") is None and store.done_ids("a") == {"2"} and store.done_ids("b") == set()
        assert {e.name for e in store.entities()} == {"EGFR", "Gefitinib"}  # erlotinib had no other mention
        assert [(e.doc_id, e.head.name) for e in store.evidence()] == [("2", "Gefitinib")]
        assert store.delete_documents([]) == 0
    for table in ("mentions", "relations", "mined", "mesh"):
        assert _count(path, table, "doc_id = '1'") == 0
    assert _count(path, "mesh") == 2


def test_sqlite_a_newer_version_replaces_the_stored_document(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    old, new = _doc("1"), _doc("1", "Erlotinib", revised="2025-02-14")
    assert revision(new[0]) > revision(old[0]) and revision(_doc("1", version=2)[0]) > revision(new[0])
    with RelationStore(path) as store:
        store.add_batch([old], model_id="a")
        store.add_batch([old], model_id="b")
        assert store.add_batch([new], model_id="a") == 1
        stored = store.document("1")
        assert stored is not None and stored.text == "Erlotinib inhibits EGFR."
        assert stored.meta["revised"] == "2025-02-14"
        assert store.done_ids("b") == set()  # model b read the old text: it mines the new one when it runs again
        assert [(e.head.name, e.model_id) for e in store.evidence()] == [("Erlotinib", "a")]
        assert {e.name for e in store.entities()} == {"EGFR", "Erlotinib"}
        assert store.add_batch([new], model_id="a") == 0  # the same version again: nothing to do
        assert store.add_batch([new], model_id="b") == 0  # another model, same version: relations added
        assert store.done_ids("b") == {"1"} and store.revisions(["1"]) == {"1": (1, "2025-02-14")}


def _as_version_3(path: Path) -> None:
    """Make a store look like one written before documents had metadata."""
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE mesh")
        for column in ("journal", "year", "version", "revised", "meta"):
            conn.execute(f"ALTER TABLE documents DROP COLUMN {column}")
        conn.execute("PRAGMA user_version = 3")


def test_sqlite_a_version_3_store_reads_without_metadata_and_is_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    with RelationStore(path) as store:
        store.add_batch([_doc("1")], model_id="m")
    _as_version_3(path)
    with RelationStore(path, read_only=True) as store:
        stored = store.document("1")
        assert stored is not None and dict(stored.meta) == {} and store.revisions(["1"]) == {"1": (0, "")}
    with RelationStore(path) as store:
        assert store.add_batch([_doc("1")], model_id="m") == 1  # versioned now: replaces the unversioned copy
        store.add_batch([_doc("2")], model_id="m")
        assert store.mesh("2") == list(MESH) and store.revisions(["1", "2"]) == {"1": (1, "2020-01-08"),
                                                                                  "2": (1, "2020-01-08")}  # fmt: skip
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_sqlite_a_version_4_store_gains_taggers_models_and_imports(tmp_path: Path) -> None:
    path = tmp_path / "v4.sqlite"
    with RelationStore(path) as store:
        store.add_batch([_doc("1")], model_id="m")
    with sqlite3.connect(path) as conn:  # back to what version 4 wrote
        conn.executescript("ALTER TABLE relations DROP COLUMN tagger_id; DROP TABLE models; DROP TABLE imports; "
                           "PRAGMA user_version = 4;")  # fmt: skip
    with RelationStore(path, read_only=True) as store:  # read as it is
        assert store.model_paths() == {} and store.imported_shards() == set() and len(store.evidence()) == 1
    with RelationStore(path) as store:  # upgraded when opened to write
        store.add_batch([_doc("2")], model_id="m", tagger_id="lexicon:sha256:0")
        store.register_model("m", "relations", tmp_path)
        assert store.model_paths() == {"m": str(tmp_path.resolve())}
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert dict(conn.execute("SELECT doc_id, tagger_id FROM relations")) == {"1": "", "2": "lexicon:sha256:0"}
