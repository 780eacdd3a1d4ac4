"""Mined documents, mentions, entities and relations ↔ one SQLite file. All of relnet's SQL lives here.

Writes are idempotent (primary keys + ``INSERT OR IGNORE``) and `add_batch` commits a batch of
documents in one transaction, so a document is either stored whole or not at all: `done_ids` is
exactly what a resumed run may skip. Several relation models may mine the same documents into one store
(``mined`` records which model read which document), as long as they share the documents' mentions.
Reads return `Evidence` for the network and views.

Tables: ``documents(id, text, source)``, ``mentions(doc_id, id, start, end, text, kind,
entity_key)``, ``entities(key, name, kind)``, ``relations(doc_id, arg1, arg2, label, grp, score,
model_id, sentence_start, sentence_end)``, ``mined(doc_id, model_id)``, ``runs(id, started, models, params)``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from relnet.data import Document, EntityRef, Evidence, Mention, Relation, Span
from relnet.errors import RelnetError
from relnet.mentions.normalize import Normalizer, SurfaceNormalizer
from relnet.relations.evidence import evidence_windows

SCHEMA_VERSION = 2  # 2 added `mined`; a version-1 store is upgraded when opened for writing
SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY, text TEXT NOT NULL, source TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS entities (
    key TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS mentions (
    doc_id TEXT NOT NULL REFERENCES documents(id), id TEXT NOT NULL, start INTEGER NOT NULL,
    "end" INTEGER NOT NULL, text TEXT NOT NULL, kind TEXT NOT NULL,
    entity_key TEXT NOT NULL REFERENCES entities(key), PRIMARY KEY (doc_id, id));
CREATE TABLE IF NOT EXISTS relations (
    doc_id TEXT NOT NULL REFERENCES documents(id), arg1 TEXT NOT NULL, arg2 TEXT NOT NULL,
    label TEXT NOT NULL, grp TEXT NOT NULL DEFAULT '', score REAL, model_id TEXT NOT NULL DEFAULT '',
    sentence_start INTEGER NOT NULL, sentence_end INTEGER NOT NULL,
    PRIMARY KEY (doc_id, arg1, arg2, label, model_id));
CREATE TABLE IF NOT EXISTS mined (
    doc_id TEXT NOT NULL REFERENCES documents(id), model_id TEXT NOT NULL, PRIMARY KEY (doc_id, model_id));
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT, started TEXT NOT NULL, models TEXT NOT NULL, params TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS mentions_entity ON mentions(entity_key);
CREATE INDEX IF NOT EXISTS relations_label ON relations(label);
"""

# One row per relation (document, chemical, gene, label): where several models found the same relation it
# is one piece of evidence, with the highest score and the models' ids space-separated.
RELATIONS_SQL = """
SELECT doc_id, arg1, arg2, label, grp, MAX(score) AS score, group_concat(model_id, ' ') AS model_id,
       sentence_start, sentence_end
FROM (SELECT * FROM relations WHERE {model} ORDER BY model_id) GROUP BY doc_id, arg1, arg2, label
"""

EVIDENCE_SQL = """
SELECT r.doc_id, r.label, r.grp, r.score, r.model_id,
       e1.key, e1.name, e1.kind, e2.key, e2.name, e2.kind,
       substr(d.text, r.sentence_start + 1, r.sentence_end - r.sentence_start),
       m1.start - r.sentence_start, m1."end" - r.sentence_start,
       m2.start - r.sentence_start, m2."end" - r.sentence_start
FROM ({relations}) r
JOIN documents d ON d.id = r.doc_id
JOIN mentions m1 ON m1.doc_id = r.doc_id AND m1.id = r.arg1
JOIN mentions m2 ON m2.doc_id = r.doc_id AND m2.id = r.arg2
JOIN entities e1 ON e1.key = m1.entity_key
JOIN entities e2 ON e2.key = m2.entity_key
WHERE (r.score IS NULL OR r.score >= ?) {types}
ORDER BY r.doc_id, r.sentence_start, m1.start, m2.start, r.label, r.model_id
"""


class RelationStore:
    """A SQLite file of mined relations.

    Parameters: ``path`` the database file (created with its schema unless ``read_only``);
    ``read_only`` opens an existing file with ``mode=ro``; ``normalizer`` groups mentions into
    entities when documents are added (default: `SurfaceNormalizer`).
    """

    def __init__(self, path: str | Path, read_only: bool = False, normalizer: Normalizer | None = None) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self.normalizer = normalizer or SurfaceNormalizer()
        if read_only:
            if not self.path.is_file():
                raise RelnetError(f"{self.path}: store not found; create it with `relnet mine … --store {self.path}`")
            self.conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
            self._check_schema()
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(self.path)
            version = self._check_schema()
            with self.conn:
                self.conn.executescript(SCHEMA)
                if version == 1:
                    self._upgrade_from_1()
                self.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _upgrade_from_1(self) -> None:
        """Fill ``mined`` for a store written before it existed: a document was read by the models of its
        relations; one without relations by the store's only model if there is exactly one (else by none,
        so it is mined again — safe, as `add_batch` keeps what is stored)."""
        self.conn.execute("INSERT OR IGNORE INTO mined SELECT DISTINCT doc_id, model_id FROM relations")
        models = {row[0] for row in self.conn.execute("SELECT DISTINCT model_id FROM relations")}
        for (text,) in self.conn.execute("SELECT models FROM runs"):
            models.add(str(json.loads(text).get("relations", "")))
        if len(models) == 1:
            self.conn.execute(
                "INSERT OR IGNORE INTO mined SELECT id, ? FROM documents WHERE id NOT IN "
                "(SELECT doc_id FROM relations)",
                (models.pop(),),
            )

    def _check_schema(self) -> int:
        try:
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as err:
            raise RelnetError(f"{self.path}: not a SQLite database ({err})") from None
        if version not in (0, 1, SCHEMA_VERSION) or (self.read_only and version == 0):
            raise RelnetError(f"{self.path}: not a relnet store (schema version {version}, expected {SCHEMA_VERSION})")
        return int(version)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> RelationStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing ---------------------------------------------------------------------------
    def start_run(self, models: dict[str, Any], params: dict[str, Any]) -> int:
        """Record a mining run (its models and parameters); returns the run id."""
        started = datetime.now(UTC).isoformat(timespec="seconds")
        with self.conn:
            cur = self.conn.execute(
                "INSERT INTO runs (started, models, params) VALUES (?, ?, ?)",
                (started, json.dumps(models, sort_keys=True), json.dumps(params, sort_keys=True, default=str)),
            )
        return int(cur.lastrowid or 0)

    def add_batch(self, docs_with_relations: Iterable[tuple[Document, Sequence[Relation]]], model_id: str = "") -> None:
        """Store documents with their mentions and ``model_id``'s relations, all in one transaction.

        A document already mined by ``model_id`` is left as it is. One mined by another model keeps its
        text and mentions and gains this model's relations — if its mentions are the same: relations
        point at mention ids, so a different tagger's mentions would be mixed up (an error, not a guess).
        """
        with self.conn:  # commits at the end, rolls back on any error
            for doc, relations in docs_with_relations:
                new_doc = self.conn.execute(
                    "INSERT OR IGNORE INTO documents (id, text, source) VALUES (?, ?, ?)",
                    (doc.id, doc.text, doc.source),
                ).rowcount
                if not self.conn.execute(
                    "INSERT OR IGNORE INTO mined (doc_id, model_id) VALUES (?, ?)", (doc.id, model_id)
                ).rowcount:
                    continue  # this model has read this document already
                if not new_doc:
                    self._check_same_document(doc)
                for m in doc.mentions if new_doc else ():
                    ref = self.normalizer.normalize(m, doc)
                    self._add_entity(ref)
                    self.conn.execute(
                        'INSERT OR IGNORE INTO mentions (doc_id, id, start, "end", text, kind, entity_key) '
                        "VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (doc.id, m.id, m.start, m.end, m.text, m.kind, ref.key),
                    )
                self.conn.executemany(
                    "INSERT OR IGNORE INTO relations (doc_id, arg1, arg2, label, grp, score, model_id, "
                    "sentence_start, sentence_end) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        (doc.id, r.arg1, r.arg2, r.label, r.group, r.score, model_id, s, e)
                        for r, (s, e) in zip(relations, evidence_windows(doc, relations))
                    ],
                )

    def _check_same_document(self, doc: Document) -> None:
        def spans(d: Document) -> set[tuple[str, int, int, str]]:
            return {(m.id, m.start, m.end, m.kind) for m in d.mentions}

        stored = self.document(doc.id)
        if stored is None or stored.text != doc.text or spans(stored) != spans(doc):
            raise RelnetError(
                f"{self.path}: document {doc.id} is stored with another text or other mentions; "
                "mine with the same mentions (the same tagger or gold annotations) or into a new store"
            )

    def _add_entity(self, ref: EntityRef) -> None:
        self.conn.execute(
            "INSERT OR IGNORE INTO entities (key, name, kind) VALUES (?, ?, ?)", (ref.key, ref.name, ref.kind)
        )

    # -- reading ---------------------------------------------------------------------------
    def document(self, doc_id: str) -> Document | None:
        """A stored document with its mentions (no relations), or None."""
        row = self.conn.execute("SELECT text, source FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            return None
        mentions = tuple(
            Mention(i, a, b, t, k)
            for i, a, b, t, k in self.conn.execute(
                'SELECT id, start, "end", text, kind FROM mentions WHERE doc_id = ? ORDER BY start, "end", id',
                (doc_id,),
            )
        )
        return Document(doc_id, row[0], mentions, source=row[1])

    def done_ids(self, model_id: str | None = None) -> set[str]:
        """Ids of the documents stored (each complete: batches commit atomically), or mined by ``model_id``."""
        if model_id is None:
            return {row[0] for row in self.conn.execute("SELECT id FROM documents")}
        return {row[0] for row in self.conn.execute("SELECT doc_id FROM mined WHERE model_id = ?", (model_id,))}

    def models(self) -> list[str]:
        """Ids of the relation models that mined into this store."""
        return [row[0] for row in self.conn.execute("SELECT DISTINCT model_id FROM mined ORDER BY model_id")]

    def _relations(self, model_id: str | None) -> tuple[str, list[Any]]:
        if model_id is None:
            return RELATIONS_SQL.format(model="1"), []
        return RELATIONS_SQL.format(model="model_id = ?"), [model_id]

    def evidence(
        self, types: Iterable[str] | None = None, min_confidence: float = 0.0, model_id: str | None = None
    ) -> list[Evidence]:
        """Every stored relation with its entities and sentence; ``types`` filters by label or CPR group.

        Relations without a score (gold) pass any ``min_confidence``. A relation found by several models
        counts once (highest score); ``model_id`` keeps one model's relations only.
        """
        relations, params = self._relations(model_id)
        params.append(min_confidence)
        clause = ""
        if types is not None:
            types = list(types)
            marks = ", ".join("?" * len(types))
            clause = f"AND (r.label IN ({marks}) OR r.grp IN ({marks}))"
            params += types + types
        rows = self.conn.execute(EVIDENCE_SQL.format(relations=relations, types=clause), params)
        return [
            Evidence(
                doc_id,
                label,
                grp,
                score,
                EntityRef(k1, n1, kind1),
                EntityRef(k2, n2, kind2),
                sentence,
                Span(hs, he),
                Span(ts, te),
                model_id,
            )  # fmt: skip
            for (doc_id, label, grp, score, model_id, k1, n1, kind1, k2, n2, kind2, sentence, hs, he, ts, te) in rows
        ]

    def relation_spans(self, model_id: str | None = None) -> list[tuple[str, str, tuple[int, int], tuple[int, int]]]:
        """``(doc_id, CPR group, chemical span, gene span)`` per stored relation (of ``model_id``), for scoring."""
        relations, params = self._relations(model_id)
        rows = self.conn.execute(
            f"""SELECT r.doc_id, r.grp, m1.start, m1."end", m2.start, m2."end" FROM ({relations}) r
               JOIN mentions m1 ON m1.doc_id = r.doc_id AND m1.id = r.arg1
               JOIN mentions m2 ON m2.doc_id = r.doc_id AND m2.id = r.arg2""",
            params,
        )
        return [(d, g, (a, b), (c, e)) for d, g, a, b, c, e in rows]

    def mention_counts(self) -> dict[str, int]:
        """Mentions per entity key."""
        return dict(self.conn.execute("SELECT entity_key, COUNT(*) FROM mentions GROUP BY entity_key"))

    def entities(self) -> list[EntityRef]:
        return [EntityRef(*row) for row in self.conn.execute("SELECT key, name, kind FROM entities ORDER BY key")]

    def counts(self) -> dict[str, Any]:
        """Row counts, and relations per label."""
        one = lambda sql: self.conn.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "documents": one("SELECT COUNT(*) FROM documents"),
            "mentions": one("SELECT COUNT(*) FROM mentions"),
            "entities": one("SELECT COUNT(*) FROM entities"),
            "relations": one("SELECT COUNT(*) FROM relations"),
            "runs": one("SELECT COUNT(*) FROM runs"),
            "relations_by_label": dict(
                self.conn.execute("SELECT label, COUNT(*) FROM relations GROUP BY label ORDER BY COUNT(*) DESC")
            ),
        }

    def runs(self) -> list[dict[str, Any]]:
        rows = self.conn.execute("SELECT id, started, models, params FROM runs ORDER BY id")
        return [{"id": i, "started": s, "models": json.loads(m), "params": json.loads(p)} for i, s, m, p in rows]
