"""Mined documents, mentions, entities and relations ↔ one SQLite file. All of relnet's SQL lives here.

Writes are idempotent (primary keys + ``INSERT OR IGNORE``) and `add_batch` commits a batch of
documents in one transaction, so a document is either stored whole or not at all: `done_ids` is
exactly what a resumed run may skip. Several relation models may mine the same documents into one store
(``mined`` records which model read which document), as long as they share the documents' mentions.
Reads return `Evidence` for the network and views.

Tables: ``documents(id, text, source)``, ``mentions(doc_id, id, start, end, text, kind, entity_key, concept,
surface_key, short_key, long_key, long_form)``, ``entities(key, name, kind)``, ``relations(doc_id, arg1, arg2,
label, grp, score, model_id, sentence_start, sentence_end, tagger_id)``, ``mined(doc_id, model_id)``,
``runs(id, started, models, params)``, ``models(id, kind, path, seen)`` (a model's content id → the folder it was
last loaded from, `relnet.model.identity`), ``imports(shard, documents, imported)`` (Ray shards merged);
documents also keep their metadata (``journal, year, version, revised, meta``: `Document.meta` as JSON) and
``mesh(doc_id, ui, name)`` their MeSH headings. A newer version of a document (`revision`) replaces the stored one;
`delete_documents` removes documents a source withdrew.

Entities: a mention keeps what its own document says about it (its concept id; its `Grounding`: surface key and
the abbreviation it is part of, ``short_key``/``long_key``/``long_form``), and ``entity_key`` is what all stored
documents make of that (`Definitions.key`): each batch re-keys the mentions its abbreviation definitions
affect, so the grouping does not depend on the order documents arrive in, and an entity's ``name`` is its
most frequent mention text.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Container, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from relnet.data import Document, EntityDetails, EntityRef, Evidence, Mention, Relation, Span
from relnet.errors import RelnetError
from relnet.examples.labels import KNOWN_LABELS
from relnet.mentions.normalize import Definitions, Grounding, Normalizer, SurfaceNormalizer
from relnet.relations.evidence import evidence_windows

SCHEMA_VERSION = 5  # 2 added `mined`, 3 the mentions' grouping columns, 4 documents' metadata and `mesh`,
# 5 the relations' tagger, `models` and `imports`; older stores are upgraded when opened to write
SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY, text TEXT NOT NULL, source TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS entities (
    key TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS mentions (
    doc_id TEXT NOT NULL REFERENCES documents(id), id TEXT NOT NULL, start INTEGER NOT NULL,
    "end" INTEGER NOT NULL, text TEXT NOT NULL, kind TEXT NOT NULL,
    entity_key TEXT NOT NULL REFERENCES entities(key), concept TEXT NOT NULL DEFAULT '',
    surface_key TEXT NOT NULL DEFAULT '', short_key TEXT NOT NULL DEFAULT '', long_key TEXT NOT NULL DEFAULT '',
    long_form TEXT NOT NULL DEFAULT '', PRIMARY KEY (doc_id, id));
CREATE TABLE IF NOT EXISTS relations (
    doc_id TEXT NOT NULL REFERENCES documents(id), arg1 TEXT NOT NULL, arg2 TEXT NOT NULL,
    label TEXT NOT NULL, grp TEXT NOT NULL DEFAULT '', score REAL, model_id TEXT NOT NULL DEFAULT '',
    sentence_start INTEGER NOT NULL, sentence_end INTEGER NOT NULL,
    PRIMARY KEY (doc_id, arg1, arg2, label, model_id));
CREATE TABLE IF NOT EXISTS mined (
    doc_id TEXT NOT NULL REFERENCES documents(id), model_id TEXT NOT NULL, PRIMARY KEY (doc_id, model_id));
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT, started TEXT NOT NULL, models TEXT NOT NULL, params TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS relations_label ON relations(label);
CREATE INDEX IF NOT EXISTS relations_arg2 ON relations(doc_id, arg2);
"""
# version 3: the columns `add_batch` groups mentions by (added to older stores, then filled), and their indexes
GROUPING_COLUMNS = ("concept", "surface_key", "short_key", "long_key", "long_form")
GROUPING_INDEXES = """
DROP INDEX IF EXISTS mentions_surface;
DROP INDEX IF EXISTS mentions_short;
DROP INDEX IF EXISTS mentions_entity;
CREATE INDEX IF NOT EXISTS mentions_surface_key ON mentions(surface_key, short_key, concept, entity_key);
CREATE INDEX IF NOT EXISTS mentions_short_key ON mentions(short_key, long_key, concept, entity_key);
CREATE INDEX IF NOT EXISTS mentions_long ON mentions(long_key) WHERE long_key != '';
CREATE INDEX IF NOT EXISTS mentions_entity_text ON mentions(entity_key, text, kind);
"""
# the first two cover `_regroup`'s "which mentions of this form are not yet in this entity" as two index ranges,
# the last every lookup by entity (`_refresh_entities`' count, neighbourhoods; it replaces ``mentions(entity_key)``):
# without them every batch scans each stored mention of a frequent name, and mining slows as the store grows
# (measured on the unlabeled corpus, docs/scale.md)
# version 4: what sources say about a document (`Document.meta`; MEDLINE: journal, year, PMID version and revision
# date, MeSH headings), added to older stores' documents (left empty there)
DOCUMENT_COLUMNS = {
    "journal": "TEXT NOT NULL DEFAULT ''", "year": "INTEGER", "version": "INTEGER NOT NULL DEFAULT 0",
    "revised": "TEXT NOT NULL DEFAULT ''", "meta": "TEXT NOT NULL DEFAULT '{}'",
}  # fmt: skip
METADATA_SCHEMA = """
CREATE TABLE IF NOT EXISTS mesh (
    doc_id TEXT NOT NULL REFERENCES documents(id), ui TEXT NOT NULL, name TEXT NOT NULL, PRIMARY KEY (doc_id, ui));
CREATE INDEX IF NOT EXISTS mesh_ui ON mesh(ui);
"""
# version 5: which tagger found each relation's mentions; where each model (by content id) was last seen; the
# shard folders of distributed runs already imported (`relnet.store.parquet`)
MODELS_SCHEMA = """
CREATE TABLE IF NOT EXISTS models (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, path TEXT NOT NULL, seen TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS imports (
    shard TEXT PRIMARY KEY, documents INTEGER NOT NULL, imported TEXT NOT NULL);
"""

log = logging.getLogger("relnet")


def relation_problem(relation: Relation, mention_ids: Container[str]) -> str | None:
    """What is wrong with storing ``relation`` in a document with these mentions, or ``None``: an argument that is
    no mention of it, or a score that is not a probability (NaN would be stored as NULL: a gold relation)."""
    missing = [a for a in (relation.arg1, relation.arg2) if a not in mention_ids]
    if missing:
        return f"relation {relation.arg1} → {relation.arg2} names no mention {', '.join(missing)} of its document"
    score = relation.score
    if score is not None and not (isinstance(score, int | float) and 0.0 <= score <= 1.0):  # NaN fails too
        return f"relation {relation.arg1} → {relation.arg2} has score {score!r}, not a probability in [0, 1]"
    return None


def without_nul(doc: Document) -> Document:
    """``doc`` with each NUL character a space (offsets kept): SQLite's ``substr``, which cuts evidence sentences
    out of the stored text, stops at a NUL, so a sentence would end there with its spans past its end."""
    if "\x00" not in doc.text:
        return doc
    mentions = tuple(replace(m, text=m.text.replace("\x00", " ")) for m in doc.mentions)
    return replace(doc, text=doc.text.replace("\x00", " "), mentions=mentions)


def revision(doc: Document) -> tuple[int, str]:
    """Which version of its id a document is, ordered (greater: newer): MEDLINE's PMID ``Version`` and
    ``DateRevised`` (``meta["version"]``, ``meta["revised"]``); ``(0, "")`` for sources without versions."""
    return int(doc.meta.get("version") or 0), str(doc.meta.get("revised") or "")


# One row per relation (document, chemical, gene, label): where several models found the same relation it
# is one piece of evidence, with the highest score and the models' ids space-separated.
RELATIONS_SQL = """
SELECT doc_id, arg1, arg2, label, grp, MAX(score) AS score, group_concat(model_id, ' ') AS model_id,
       sentence_start, sentence_end
FROM (SELECT * FROM {source} WHERE {model} ORDER BY model_id) GROUP BY doc_id, arg1, arg2, label
"""
# The relations one of whose mentions belongs to an entity in the temporary table ``wanted`` (two index lookups per
# mention: by arg1 through the primary key, by arg2 through ``relations_arg2``): neighbourhoods without a full scan.
TOUCHING_SQL = """(
SELECT r.* FROM wanted w JOIN mentions m ON m.entity_key = w.key
JOIN relations r ON r.doc_id = m.doc_id AND r.arg1 = m.id
UNION
SELECT r.* FROM wanted w JOIN mentions m ON m.entity_key = w.key
JOIN relations r ON r.doc_id = m.doc_id AND r.arg2 = m.id)"""

EVIDENCE_SQL = """
SELECT r.doc_id, r.label, r.grp, r.score, r.model_id, r.sentence_start,
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


# One row per network edge (chemical entity, gene entity, label), aggregated in SQL: what the network's summary and
# queries need at PubMed scale, without reading sentences into Python. A sentence is one piece of evidence however
# many of its mention pairs fall on the edge ("cyclooxygenase-2 (COX-2)": two mentions, one entity), with its
# pairs' highest score, as `relnet.network.graph.build_graph` counts them.
EDGES_SQL = """
SELECT head, tail, label, MIN(grp), COUNT(*), COUNT(DISTINCT doc_id), AVG(score)
FROM (SELECT m1.entity_key AS head, m2.entity_key AS tail, r.label AS label, MIN(r.grp) AS grp, r.doc_id AS doc_id,
             MAX(r.score) AS score
      FROM ({relations}) r
      JOIN mentions m1 ON m1.doc_id = r.doc_id AND m1.id = r.arg1
      JOIN mentions m2 ON m2.doc_id = r.doc_id AND m2.id = r.arg2
      WHERE (r.score IS NULL OR r.score >= ?) {types}
      GROUP BY m1.entity_key, m2.entity_key, r.label, r.doc_id, r.sentence_start)
GROUP BY head, tail, label
HAVING COUNT(*) >= ?
"""


@dataclass(frozen=True)
class EdgeRow:
    """One aggregated edge: ``evidence`` sentences from ``docs`` documents, ``mean_score`` (1.0 for gold)."""

    head: str
    tail: str
    label: str
    group: str
    evidence: int
    docs: int
    mean_score: float


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
        self._types_seen: set[str] = set()  # relation labels and groups `check_types` found (the store only grows)
        if read_only:
            if self.path.is_dir():
                raise RelnetError(f"{self.path}: a folder, not a store (a SQLite file made by `relnet mine`)")
            if not self.path.is_file():
                raise RelnetError(f"{self.path}: store not found; create it with `relnet mine … --store {self.path}`")
            self.conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
            self._check_schema()
            # a read-only store older than version 3 has no grouping columns: its reads see them empty
            columns = {row[1] for row in self.conn.execute("PRAGMA table_info(mentions)")}
            self._col = {c: (c if c in columns else "''") for c in GROUPING_COLUMNS}
            doc_columns = {row[1] for row in self.conn.execute("PRAGMA table_info(documents)")}
            self._doc_col = {c: (c if c in doc_columns else "NULL") for c in DOCUMENT_COLUMNS}  # older: no metadata
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(self.path)
            version = self._check_schema()
            self._col = {c: c for c in GROUPING_COLUMNS}
            self._doc_col = {c: c for c in DOCUMENT_COLUMNS}
            with self.conn:
                self.conn.executescript(SCHEMA)
                self._upgrade_to_4()  # first: the other upgrades read documents
                self.conn.executescript(METADATA_SCHEMA)
                self._upgrade_to_5()
                if version == 1:
                    self._upgrade_from_1()
                if version in (1, 2):
                    self._upgrade_to_3()
                self.conn.executescript(GROUPING_INDEXES)
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

    def _upgrade_to_3(self) -> None:
        """Add the grouping columns to a version-1/2 store, fill them from the stored documents, and group."""
        columns = {row[1] for row in self.conn.execute("PRAGMA table_info(mentions)")}
        for column in GROUPING_COLUMNS:
            if column not in columns:  # a failed upgrade keeps the columns it added
                self.conn.execute(f"ALTER TABLE mentions ADD COLUMN {column} TEXT NOT NULL DEFAULT ''")
        grounded: list[Grounding] = []
        keys = {row[0] for row in self.conn.execute("SELECT key FROM entities")}
        for (doc_id,) in self.conn.execute("SELECT id FROM documents ORDER BY id").fetchall():
            doc = self.document(doc_id)
            assert doc is not None
            for m in doc.mentions:
                g = self._ground(m, doc)
                grounded.append(g)
                keys.add(g.concept or g.short or g.surface)
                self.conn.execute(
                    "UPDATE mentions SET entity_key = ?, surface_key = ?, short_key = ?, long_key = ?, long_form = ? "
                    "WHERE doc_id = ? AND id = ?",
                    (g.concept or g.short or g.surface, g.surface, g.short, g.long, g.long_form, doc_id, m.id),
                )
        self._regroup(grounded, keys)

    def _upgrade_to_4(self) -> None:
        """Add the metadata columns to the documents table of an older store (a new one too: they are not in
        `SCHEMA`); documents stored before keep empty metadata."""
        columns = {row[1] for row in self.conn.execute("PRAGMA table_info(documents)")}
        for column, declaration in DOCUMENT_COLUMNS.items():
            if column not in columns:
                self.conn.execute(f"ALTER TABLE documents ADD COLUMN {column} {declaration}")

    def _upgrade_to_5(self) -> None:
        """The ``models`` and ``imports`` tables, and the relations' ``tagger_id`` (empty for those stored before)."""
        self.conn.executescript(MODELS_SCHEMA)
        if "tagger_id" not in {row[1] for row in self.conn.execute("PRAGMA table_info(relations)")}:
            self.conn.execute("ALTER TABLE relations ADD COLUMN tagger_id TEXT NOT NULL DEFAULT ''")

    def _check_schema(self) -> int:
        try:
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as err:
            raise RelnetError(f"{self.path}: not a SQLite database ({err})") from None
        if version not in (0, 1, 2, 3, 4, SCHEMA_VERSION) or (self.read_only and version == 0):
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

    def register_model(self, model_id: str, kind: str, path: str | Path) -> None:
        """Remember where the model ``model_id`` (``relations`` or ``tagger``) was loaded from (the latest folder)."""
        with self.conn:
            self.conn.execute(
                "INSERT INTO models (id, kind, path, seen) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                "path = excluded.path, seen = excluded.seen",
                (model_id, kind, str(Path(path).resolve()), datetime.now(UTC).isoformat(timespec="seconds")),
            )

    def model_paths(self) -> dict[str, str]:
        """Content id → the folder each model was last loaded from (stores before version 5: none)."""
        if not self._has_table("models"):
            return {}
        return dict(self.conn.execute("SELECT id, path FROM models"))

    def imported_shards(self) -> set[str]:
        """Names of the shard folders already merged into this store (`relnet.store.parquet`)."""
        return (
            {row[0] for row in self.conn.execute("SELECT shard FROM imports")} if self._has_table("imports") else set()
        )

    def mark_imported(self, shard: str, documents: int) -> None:
        with self.conn:
            self.conn.execute(
                "INSERT OR REPLACE INTO imports (shard, documents, imported) VALUES (?, ?, ?)",
                (shard, documents, datetime.now(UTC).isoformat(timespec="seconds")),
            )

    def find_model(self, model: str) -> str:
        """The id of one relation model that mined into this store, given that id, or the model's folder (matched by
        content, so a moved folder still matches; `relnet.model.identity`), or ``FOLDER+int8`` for one backend's run.
        Several matches (the same weights run on two backends) or none: an error listing what the store holds."""
        from relnet.model.hardware import LOSSY
        from relnet.model.identity import PREFIX, weights_digest

        models = self.models()
        if model in models:
            return model
        candidates: list[str] = []
        folder, _, backend = model.rpartition("+")
        if folder and backend in LOSSY and Path(folder).is_dir():  # FOLDER+int8: that backend's run
            wanted = f"{PREFIX}{weights_digest(folder)}+{backend}"
            candidates = [m for m in models if m in (wanted, f"{Path(folder).resolve()}+{backend}")]
        elif Path(model).is_dir():
            digest = PREFIX + weights_digest(model)
            candidates = [m for m in models if m == digest or m.startswith(digest + "+")]
            legacy = str(Path(model).resolve())  # stores written before content ids named models by path
            candidates += [m for m in models if m == legacy or m.startswith(legacy + "+")]
        if len(candidates) == 1:
            return candidates[0]
        paths = self.model_paths()
        held = ", ".join(f"{m} ({paths[m]})" if m in paths else m for m in models) or "none"
        if candidates:
            raise RelnetError(f"{self.path}: {model} mined on several backends; choose one id: {', '.join(candidates)}")
        raise RelnetError(f"{self.path}: no relations of model {model!r}; the store holds: {held}")

    def _has_table(self, name: str) -> bool:
        return bool(
            self.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone()
        )

    def add_batch(
        self,
        docs_with_relations: Iterable[tuple[Document, Sequence[Relation]]],
        model_id: str = "",
        tagger_id: str = "",
    ) -> int:
        """Store documents with their mentions, metadata and ``model_id``'s relations (their mentions found by
        ``tagger_id``, empty for the input's own), all in one transaction.

        A document already mined by ``model_id`` is left as it is. One mined by another model keeps its
        text and mentions and gains this model's relations — if its mentions are the same: relations
        point at mention ids, so a different tagger's mentions would be mixed up (an error, not a guess).
        A newer version of a stored document (`revision`: an update file's re-issued PMID) replaces it, with every
        model's relations; returns how many were replaced.
        """
        replaced = 0
        with self.conn:  # commits at the end, rolls back on any error
            grounded: list[Grounding] = []
            keys: set[str] = set()
            gone: set[tuple[str, str]] = set()  # definitions of replaced documents
            with_nul = 0
            for doc, relations in docs_with_relations:
                if (clean := without_nul(doc)) is not doc:
                    doc, with_nul = clean, with_nul + 1
                ids = {m.id for m in doc.mentions}
                if problem := next((p for r in relations if (p := relation_problem(r, ids))), None):
                    raise RelnetError(f"document {doc.id}: {problem}")  # nothing of the batch is stored
                stored = self.conn.execute("SELECT version, revised FROM documents WHERE id = ?", (doc.id,)).fetchone()
                if stored is not None and revision(doc) > (stored[0] or 0, stored[1] or ""):
                    gone |= self._definitions_of([doc.id])
                    keys |= self._delete([doc.id])
                    replaced += 1
                new_doc = self._insert_document(doc)
                if not self.conn.execute(
                    "INSERT OR IGNORE INTO mined (doc_id, model_id) VALUES (?, ?)", (doc.id, model_id)
                ).rowcount:
                    continue  # this model has read this document already
                if not new_doc:
                    self._check_same_document(doc)
                for m in doc.mentions if new_doc else ():
                    g = self._ground(m, doc)
                    key = g.concept or g.short or g.surface  # what this document alone says; `_regroup` decides
                    grounded.append(g)
                    keys.add(key)
                    self.conn.execute(
                        'INSERT OR IGNORE INTO mentions (doc_id, id, start, "end", text, kind, entity_key, concept, '
                        "surface_key, short_key, long_key, long_form) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (doc.id, m.id, m.start, m.end, m.text, m.kind, key, m.concept, g.surface, g.short, g.long,
                         g.long_form),
                    )  # fmt: skip
                self.conn.executemany(
                    "INSERT OR IGNORE INTO relations (doc_id, arg1, arg2, label, grp, score, model_id, "
                    "sentence_start, sentence_end, tagger_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        (doc.id, r.arg1, r.arg2, r.label, r.group, r.score, model_id, s, e, tagger_id)
                        for r, (s, e) in zip(relations, evidence_windows(doc, relations))
                    ],
                )
            self._regroup(grounded, keys, gone)
        if with_nul:
            log.warning("%s: %d documents with NUL characters; stored with spaces in their place", self.path, with_nul)
        return replaced

    def _insert_document(self, doc: Document) -> int:
        """Insert ``doc`` (text, source, metadata, MeSH headings) unless its id is stored; 1 if it was inserted."""
        meta = dict(doc.meta)
        year = meta.get("year")
        inserted = self.conn.execute(
            "INSERT OR IGNORE INTO documents (id, text, source, journal, year, version, revised, meta) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (doc.id, doc.text, doc.source, str(meta.get("journal") or ""), year if isinstance(year, int) else None,
             *revision(doc), json.dumps(meta, ensure_ascii=False, default=list)),
        ).rowcount  # fmt: skip
        if inserted:
            self.conn.executemany(
                "INSERT OR IGNORE INTO mesh (doc_id, ui, name) VALUES (?, ?, ?)",
                [(doc.id, str(ui), str(name)) for ui, name in meta.get("mesh", ())],
            )
        return int(inserted)

    def delete_documents(self, ids: Iterable[str]) -> int:
        """Remove documents (a source withdrew them: MEDLINE's ``DeleteCitation``) with their mentions, MeSH
        headings and every model's relations, in one transaction; returns how many were stored."""
        ids = list(dict.fromkeys(ids))
        with self.conn:
            n = sum(self._count("SELECT COUNT(*) FROM documents WHERE id IN ({})", chunk) for chunk in _chunks(ids))
            gone = self._definitions_of(ids)
            self._regroup([], self._delete(ids), gone)
        return n

    def _delete(self, ids: Sequence[str]) -> set[str]:
        """Delete ``ids``' rows from every table (inside the caller's transaction); returns the entity keys their
        mentions had, for the caller to refresh (entities left without mentions go)."""
        keys: set[str] = set()
        for chunk in _chunks(ids):
            marks = ", ".join("?" * len(chunk))
            keys |= {
                row[0] for row in self.conn.execute(f"SELECT entity_key FROM mentions WHERE doc_id IN ({marks})", chunk)
            }
            for table in ("relations", "mentions", "mined", "mesh"):
                self.conn.execute(f"DELETE FROM {table} WHERE doc_id IN ({marks})", chunk)
            self.conn.execute(f"DELETE FROM documents WHERE id IN ({marks})", chunk)
        return keys

    def _count(self, sql: str, params: Sequence[str]) -> int:
        return int(self.conn.execute(sql.format(", ".join("?" * len(params))), list(params)).fetchone()[0])

    def _check_same_document(self, doc: Document) -> None:
        def spans(d: Document) -> set[tuple[str, int, int, str]]:
            return {(m.id, m.start, m.end, m.kind) for m in d.mentions}

        stored = self.document(doc.id)  # (NUL: as `add_batch` stores it now, not as an older relnet did)
        if stored is None or without_nul(stored).text != doc.text or spans(stored) != spans(doc):
            raise RelnetError(
                f"{self.path}: document {doc.id} is stored with another text or other mentions; "
                "mine with the same mentions (the same tagger or gold annotations) or into a new store"
            )

    def _ground(self, m: Mention, doc: Document) -> Grounding:
        ground = getattr(self.normalizer, "ground", None)  # a `Normalizer` without abbreviations: its key as is
        return ground(m, doc) if ground is not None else Grounding(self.normalizer.normalize(m, doc).key)

    def _definitions(self, defs: Definitions, column: str, values: Iterable[str]) -> None:
        """Add to ``defs`` the stored (short key, long key) pairs whose ``column`` is one of ``values``."""
        values = sorted(values)
        for i in range(0, len(values), 500):
            chunk = values[i : i + 500]
            rows = self.conn.execute(
                f"SELECT DISTINCT short_key, long_key, long_form FROM mentions WHERE {column} != '' "
                f"AND {column} IN ({', '.join('?' * len(chunk))})",
                chunk,
            )
            for short, long, long_form in rows:
                defs.add(short, long, long_form)

    def _definitions_of(self, ids: Sequence[str]) -> set[tuple[str, str]]:
        """The (short key, long key) definitions of the mentions of documents ``ids`` (before they are deleted)."""
        gone: set[tuple[str, str]] = set()
        for chunk in _chunks(ids):
            gone |= set(
                self.conn.execute(
                    f"SELECT DISTINCT short_key, long_key FROM mentions WHERE short_key != '' "
                    f"AND doc_id IN ({', '.join('?' * len(chunk))})",
                    chunk,
                )
            )
        return gone

    def _regroup(self, grounded: Sequence[Grounding], keys: set[str], gone: Iterable[tuple[str, str]] = ()) -> None:
        """Re-key the stored mentions whose entity new abbreviation definitions (those of ``grounded``, the new
        mentions) or deleted ones (``gone``, from `_definitions_of`) change (`Definitions.key`), then refresh the
        entities touched: ``keys`` (new or deleted mentions' keys) and every key a mention left or joined."""
        gone = set(gone)
        shorts = {g.short for g in grounded if g.short} | {short for short, _ in gone}
        defs = Definitions()
        self._definitions(defs, "short_key", shorts)  # every long form of the new short forms
        longs = set().union(*defs.long_forms.values())
        self._definitions(defs, "long_key", longs | {g.surface for g in grounded if not (g.short or g.concept)})
        self._definitions(defs, "short_key", set().union(*defs.short_forms.values()) - shorts)
        updates: list[tuple[str, str, tuple[str, ...]]] = []  # (entity key, which mentions, parameters)
        for short in shorts:
            for long in defs.long_forms.get(short, ()):
                target = defs.key(Grounding("", short=short, long=long))
                updates.append((target, "short_key = ? AND long_key = ? AND concept = ''", (short, long)))
        for surface in longs | {long for _, long in gone} | (defs.short_forms.keys() & {g.surface for g in grounded}):
            updates.append((defs.key(Grounding(surface)), "surface_key = ? AND short_key = '' AND concept = ''",
                            (surface,)))  # fmt: skip
        touched = set(keys)
        for target, where, params in updates:
            rows = self.conn.execute(
                f"SELECT entity_key FROM mentions WHERE {where} AND entity_key < ? "
                f"UNION SELECT entity_key FROM mentions WHERE {where} AND entity_key > ?",
                (*params, target, *params, target),
            ).fetchall()
            if rows:
                touched |= {row[0] for row in rows} | {target}
                self.conn.execute(f"UPDATE mentions SET entity_key = ? WHERE {where}", (target, *params))
        self._refresh_entities(touched)

    def _refresh_entities(self, keys: Iterable[str]) -> None:
        """Name each of ``keys`` after its most frequent mention text (ties: the shorter); drop those left without
        mentions."""
        for key in keys:
            row = self.conn.execute(
                "SELECT text, kind, COUNT(*) AS n FROM mentions WHERE entity_key = ? GROUP BY text, kind "
                "ORDER BY n DESC, length(text), text LIMIT 1",
                (key,),
            ).fetchone()
            if row is None:
                self.conn.execute("DELETE FROM entities WHERE key = ?", (key,))
            else:
                self.conn.execute(
                    "INSERT INTO entities (key, name, kind) VALUES (?, ?, ?) "
                    "ON CONFLICT (key) DO UPDATE SET name = excluded.name",
                    (key, row[0], row[1]),
                )

    # -- reading ---------------------------------------------------------------------------
    def document(self, doc_id: str) -> Document | None:
        """A stored document with its mentions (no relations), or None."""
        row = self.conn.execute(
            f"SELECT text, source, {self._doc_col['meta']} FROM documents WHERE id = ?", (doc_id,)
        ).fetchone()
        if row is None:
            return None
        mentions = tuple(
            Mention(i, a, b, t, k, concept=c)
            for i, a, b, t, k, c in self.conn.execute(
                f'SELECT id, start, "end", text, kind, {self._col["concept"]} FROM mentions WHERE doc_id = ? '
                'ORDER BY start, "end", id',
                (doc_id,),
            )
        )
        return Document(doc_id, row[0], mentions, source=row[1], meta=json.loads(row[2] or "{}"))

    def documents(self, model_id: str | None = None) -> Iterator[Document]:
        """Every stored document, in id order, with its mentions and relations (``model_id``'s, or one per
        chemical, gene and label with the highest score of any model, as `evidence` counts them)."""
        relations, params = self._relations(model_id)
        by_doc: dict[str, list[Relation]] = defaultdict(list)
        for doc_id, arg1, arg2, label, grp, score, *_ in self.conn.execute(relations, params):
            by_doc[doc_id].append(Relation(doc_id, arg1, arg2, label, grp, score=score))
        for (doc_id,) in self.conn.execute("SELECT id FROM documents ORDER BY id").fetchall():
            doc = self.document(doc_id)
            assert doc is not None
            yield doc.with_annotations(relations=tuple(sorted(by_doc[doc_id], key=lambda r: (r.arg1, r.arg2))))

    def done_ids(self, model_id: str | None = None, among: Iterable[str] | None = None) -> set[str]:
        """Ids of the documents stored (each complete: batches commit atomically), or mined by ``model_id``;
        only those ``among`` the ids given, if given (a batch's: no need to hold a PubMed-sized set)."""
        if model_id is None:
            sql, params = "SELECT id FROM documents WHERE 1", []
        else:
            sql, params = "SELECT doc_id FROM mined WHERE model_id = ?", [model_id]
        if among is None:
            return {row[0] for row in self.conn.execute(sql, params)}
        column = "id" if model_id is None else "doc_id"
        return {
            row[0]
            for chunk in _chunks(list(among))
            for row in self.conn.execute(f"{sql} AND {column} IN ({', '.join('?' * len(chunk))})", [*params, *chunk])
        }

    def revisions(self, ids: Iterable[str]) -> dict[str, tuple[int, str]]:
        """The stored documents among ``ids`` and the `revision` each is stored in."""
        version, revised = self._doc_col["version"], self._doc_col["revised"]
        out: dict[str, tuple[int, str]] = {}
        for chunk in _chunks(list(ids)):
            rows = self.conn.execute(
                f"SELECT id, {version}, {revised} FROM documents WHERE id IN ({', '.join('?' * len(chunk))})", chunk
            )
            out.update((i, (v or 0, r or "")) for i, v, r in rows)
        return out

    def mesh(self, doc_id: str) -> list[tuple[str, str]]:
        """A stored document's MeSH headings ``(UI, name)``."""
        rows = self.conn.execute("SELECT ui, name FROM mesh WHERE doc_id = ? ORDER BY rowid", (doc_id,))
        return [(ui, name) for ui, name in rows]

    def models(self) -> list[str]:
        """Ids of the relation models that mined into this store."""
        return [row[0] for row in self.conn.execute("SELECT DISTINCT model_id FROM mined ORDER BY model_id")]

    def _relations(self, model_id: str | None, touching: Iterable[str] | None = None) -> tuple[str, list[Any]]:
        """The relations query (one row per relation, models merged) and its parameters; ``touching``: only those
        with a mention of one of these entity keys."""
        source = "relations"
        if touching is not None:
            self._wanted(touching)
            source = TOUCHING_SQL
        if model_id is None:
            return RELATIONS_SQL.format(source=source, model="1"), []
        return RELATIONS_SQL.format(source=source, model="model_id = ?"), [model_id]

    def _wanted(self, keys: Iterable[str]) -> None:
        """Fill the temporary table ``wanted`` (a read-only store may still write its temporary database)."""
        self.conn.execute("CREATE TEMP TABLE IF NOT EXISTS wanted (key TEXT PRIMARY KEY)")
        self.conn.execute("DELETE FROM wanted")
        self.conn.executemany("INSERT OR IGNORE INTO wanted VALUES (?)", ((k,) for k in keys))

    def evidence(
        self,
        types: Iterable[str] | None = None,
        min_confidence: float = 0.0,
        model_id: str | None = None,
        entities: Iterable[str] | None = None,
    ) -> list[Evidence]:
        """Every stored relation with its entities and sentence; ``types`` filters by label or CPR group,
        ``entities`` keeps relations between the entity keys given.

        Relations without a score (gold) pass any ``min_confidence``. A relation found by several models
        counts once (highest score); ``model_id`` keeps one model's relations only.
        """
        relations, params = self._relations(model_id, entities)
        params.append(min_confidence)
        clause = self._type_clause(types, params)
        if entities is not None:  # both ends among these entities (a neighbourhood)
            clause += " AND e1.key IN (SELECT key FROM wanted) AND e2.key IN (SELECT key FROM wanted)"
        rows = self.conn.execute(EVIDENCE_SQL.format(relations=relations, types=clause), params)
        out = []
        for row in rows:
            doc_id, label, grp, score, model_id, start, k1, n1, kind1, k2, n2, kind2, sentence, hs, he, ts, te = row
            out.append(
                Evidence(
                    doc_id, label, grp, score, EntityRef(k1, n1, kind1), EntityRef(k2, n2, kind2), sentence,
                    Span(hs, he), Span(ts, te), model_id, start,
                )
            )  # fmt: skip
        return out

    def _type_clause(self, types: Iterable[str] | None, params: list[Any]) -> str:
        if types is None:
            return ""
        types = list(types)
        self.check_types(types)
        marks = ", ".join("?" * len(types))
        params += types + types
        return f"AND (r.label IN ({marks}) OR r.grp IN ({marks}))"

    def check_types(self, types: Iterable[str]) -> None:
        """Raise `RelnetError` if a relation label or CPR group in ``types`` is none that relnet knows and names no
        relation of the store either (a typo, "cpr:3" for "CPR:3": an empty network otherwise), naming the labels
        the store has; a store without relations accepts any."""
        seen = self._types_seen
        unknown = [
            t for t in dict.fromkeys(types) if t not in seen and t not in KNOWN_LABELS
            and not self.conn.execute("SELECT 1 FROM relations WHERE label = ? LIMIT 1", (t,)).fetchone()
            and not self.conn.execute("SELECT 1 FROM relations WHERE grp = ? LIMIT 1", (t,)).fetchone()
        ]  # fmt: skip
        seen.update(t for t in types if t not in unknown)
        if unknown and self.conn.execute("SELECT 1 FROM relations LIMIT 1").fetchone():
            labels = sorted({row[0] for row in self.conn.execute("SELECT DISTINCT label FROM relations")})
            raise RelnetError(f"no relation of the store is labelled {' or '.join(map(repr, unknown))} (label or CPR "
                              f"group); its labels: {', '.join(labels)}")  # fmt: skip

    def edges(
        self,
        types: Iterable[str] | None = None,
        min_confidence: float = 0.0,
        min_evidence: int = 1,
        model_id: str | None = None,
        touching: Iterable[str] | None = None,
    ) -> list[EdgeRow]:
        """The network's edges aggregated in SQL (no sentences): what `evidence` would group into edges, counted;
        ``touching``: only the edges of these entity keys (found through indexes, not a scan)."""
        relations, params = self._relations(model_id, touching)
        params.append(min_confidence)
        clause = self._type_clause(types, params)
        params.append(min_evidence)
        rows = self.conn.execute(EDGES_SQL.format(relations=relations, types=clause), params)
        return [EdgeRow(h, t, label, grp, n, d, 1.0 if mean is None else mean) for h, t, label, grp, n, d, mean in rows]

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

    def entity_details(self, keys: Iterable[str] | None = None) -> dict[str, EntityDetails]:
        """Names (most frequent first), defined long forms, documents and concept ids of the entities ``keys``
        (default: all)."""
        sql = f"SELECT entity_key, text, {self._col['long_form']}, doc_id, {self._col['concept']} FROM mentions"
        rows: list[tuple[str, str, str, str, str]] = []
        if keys is None:
            rows = self.conn.execute(sql).fetchall()
        else:
            wanted = sorted(set(keys))
            for i in range(0, len(wanted), 500):
                chunk = wanted[i : i + 500]
                rows += self.conn.execute(f"{sql} WHERE entity_key IN ({', '.join('?' * len(chunk))})", chunk)
        names: dict[str, Counter[str]] = defaultdict(Counter)
        long_forms: dict[str, Counter[str]] = defaultdict(Counter)
        docs: dict[str, set[str]] = defaultdict(set)
        concepts: dict[str, set[str]] = defaultdict(set)
        for key, text, long_form, doc_id, concept in rows:
            names[key][text] += 1
            if long_form:
                long_forms[key][long_form] += 1
            docs[key].add(doc_id)
            if concept:
                concepts[key].add(concept)

        def ranked(counts: Counter[str]) -> tuple[str, ...]:
            return tuple(sorted(counts, key=lambda t: (-counts[t], len(t), t)))

        return {
            key: EntityDetails(ranked(names[key]), ranked(long_forms[key]), tuple(sorted(docs[key])),
                               tuple(sorted(concepts[key])))
            for key in names
        }  # fmt: skip

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


def _chunks(ids: Sequence[str], size: int = 500) -> Iterator[list[str]]:
    """``ids`` in pieces small enough for one ``IN (?, …)`` each."""
    for i in range(0, len(ids), size):
        yield list(ids[i : i + size])
