"""Mined shards as Parquet: what each worker of a distributed run writes, and how the SQLite store takes them in.

One folder per shard, ``OUT/shards/NAME/``, holding

- ``documents.parquet``: ``seq, id, source, journal, year, document`` (the `Document` with its mentions, as JSON);
- ``mentions.parquet``: ``doc_id, id, start, end, text, kind, concept``;
- ``relations.parquet``: ``doc_id, arg1, arg2, label, grp, score, sentence_start, sentence_end, sentence, model_id,
  tagger_id`` (the evidence sentence included, so Spark, DuckDB or pandas read the relations without the store);
- ``deletions.parquet``: ``seq, id`` (MEDLINE's withdrawn PMIDs, in input order with the documents);
- ``shard.json``: what the shard is (input file, document range), its counts and models — written last.

A shard is written into a temporary folder and renamed into place, so a folder with ``shard.json`` is complete and a
killed worker leaves nothing half-written; a retried shard finds its folder there and keeps it. `import_shards`
merges shards into a store in name order (= input order), applying documents and deletions in the order read, and
records each shard it merged: importing again, or after more shards arrive, only adds what is new.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from relnet.data import Deletion, Document, Relation
from relnet.errors import InputError, RelnetError
from relnet.relations.evidence import evidence_windows
from relnet.store.sqlite import RelationStore, relation_problem, revision

SHARDS = "shards"
DONE = "shard.json"

Item = tuple[Document, Sequence[Relation]] | Deletion


def _pa() -> Any:
    try:
        import pyarrow
        import pyarrow.parquet  # noqa: F401
    except ImportError:  # pragma: no cover - pyarrow comes with the `scale` extra
        raise RelnetError("Parquet shards need pyarrow: pip install 'relnet[scale]'") from None
    return pyarrow


def shard_folder(out: str | Path, name: str) -> Path:
    return Path(out) / SHARDS / name


def is_done(out: str | Path, name: str) -> bool:
    return (shard_folder(out, name) / DONE).is_file()


def done_shards(out: str | Path) -> list[str]:
    """Names of the complete shards under ``out``, in order."""
    root = Path(out) / SHARDS
    return sorted(p.name for p in root.iterdir() if (p / DONE).is_file()) if root.is_dir() else []


def write_shard(
    out: str | Path, name: str, items: Sequence[Item], info: dict[str, Any], model_id: str, tagger_id: str
) -> dict[str, Any]:
    """Write one shard's results (``items`` in input order) atomically; returns its ``shard.json`` record.
    If the shard is there already (a retried task), the existing one is kept."""
    pa = _pa()
    import pyarrow.parquet as pq

    docs: dict[str, list[Any]] = {k: [] for k in ("seq", "id", "source", "journal", "year", "document")}
    mentions: dict[str, list[Any]] = {k: [] for k in ("doc_id", "id", "start", "end", "text", "kind", "concept")}
    rel_cols = ("doc_id", "arg1", "arg2", "label", "grp", "score", "sentence_start", "sentence_end", "sentence")
    relations: dict[str, list[Any]] = {k: [] for k in rel_cols}
    deletions: dict[str, list[Any]] = {"seq": [], "id": []}
    labels: Counter[str] = Counter()
    for seq, item in enumerate(items):
        if isinstance(item, Deletion):
            deletions["seq"].append(seq)
            deletions["id"].append(item.id)
            continue
        doc, rels = item
        year = doc.meta.get("year")
        for key, value in zip(docs, (seq, doc.id, doc.source, str(doc.meta.get("journal") or ""),
                                     year if isinstance(year, int) else None,
                                     json.dumps(doc.with_annotations(relations=()).to_json(), ensure_ascii=False,
                                                default=list))):  # fmt: skip
            docs[key].append(value)
        for m in doc.mentions:
            for key, value in zip(mentions, (doc.id, m.id, m.start, m.end, m.text, m.kind, m.concept)):
                mentions[key].append(value)
        for r, (s, e) in zip(rels, evidence_windows(doc, rels)):
            for key, value in zip(relations, (doc.id, r.arg1, r.arg2, r.label, r.group, r.score, s, e, doc.text[s:e])):
                relations[key].append(value)
            labels[r.label] += 1
    relations["model_id"] = [model_id] * len(relations["doc_id"])
    relations["tagger_id"] = [tagger_id] * len(relations["doc_id"])
    record = {
        "name": name, **info, "documents": len(docs["id"]), "deletions": len(deletions["id"]),
        "mentions": len(mentions["id"]), "relations": dict(labels), "model_id": model_id, "tagger_id": tagger_id,
        "host": socket.gethostname(), "pid": os.getpid(),
    }  # fmt: skip
    final = shard_folder(out, name)
    tmp = Path(out) / SHARDS / f".tmp-{name}-{uuid.uuid4().hex[:8]}"
    tmp.mkdir(parents=True)
    schemas = {
        "documents": pa.schema([("seq", pa.int64()), ("id", pa.string()), ("source", pa.string()),
                                ("journal", pa.string()), ("year", pa.int64()), ("document", pa.string())]),
        "mentions": pa.schema([("doc_id", pa.string()), ("id", pa.string()), ("start", pa.int64()),
                               ("end", pa.int64()), ("text", pa.string()), ("kind", pa.string()),
                               ("concept", pa.string())]),
        "relations": pa.schema([("doc_id", pa.string()), ("arg1", pa.string()), ("arg2", pa.string()),
                                ("label", pa.string()), ("grp", pa.string()), ("score", pa.float64()),
                                ("sentence_start", pa.int64()), ("sentence_end", pa.int64()),
                                ("sentence", pa.string()), ("model_id", pa.string()), ("tagger_id", pa.string())]),
        "deletions": pa.schema([("seq", pa.int64()), ("id", pa.string())]),
    }  # fmt: skip
    for table, columns in (("documents", docs), ("mentions", mentions), ("relations", relations),
                           ("deletions", deletions)):  # fmt: skip
        pq.write_table(pa.Table.from_pydict(columns, schema=schemas[table]), tmp / f"{table}.parquet")
    (tmp / DONE).write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
    try:
        os.rename(tmp, final)  # atomic on one file system; fails if a retried task got there first
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        if not (final / DONE).is_file():
            raise
        return json.loads((final / DONE).read_text())
    return record


#: What a shard record must hold for its shard to be imported.
RECORD_KEYS = ("model_id", "tagger_id", "documents")


def read_record(folder: Path) -> dict[str, Any]:
    """A shard's ``shard.json``; one that is not JSON or lacks `RECORD_KEYS` is an `InputError` naming it."""
    path = folder / DONE
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InputError(path, None, f"not a shard record ({err}); mine the shard again") from None
    missing = [k for k in RECORD_KEYS if k not in record] if isinstance(record, dict) else list(RECORD_KEYS)
    if missing:
        raise InputError(path, None, f"not a shard record: no {', '.join(missing)}; mine the shard again")
    return record


def _table(folder: Path, name: str, columns: list[str]) -> dict[str, list]:
    """``columns`` of one Parquet file of a shard; a missing, corrupt or wrongly shaped file is an `InputError`."""
    import pyarrow.parquet as pq

    path = folder / f"{name}.parquet"
    try:
        return pq.read_table(path, columns=columns).to_pydict()
    except (OSError, ValueError, KeyError) as err:  # pyarrow's ArrowInvalid is a ValueError
        raise InputError(path, None, f"cannot read this shard file ({err}); mine the shard again") from None


def read_shard(folder: str | Path) -> Iterator[Item]:
    """A shard's documents (with their mentions) and relations, and its deletions, in input order. Every file is
    read and checked before the first item comes, so a damaged shard fails before any of it is imported."""
    folder = Path(folder)
    if not (folder / DONE).is_file():
        raise RelnetError(f"{folder}: not a complete shard (no {DONE})")
    docs = _table(folder, "documents", ["seq", "document"])
    rels = _table(folder, "relations", ["doc_id", "arg1", "arg2", "label", "grp", "score"])
    dels = _table(folder, "deletions", ["seq", "id"])
    by_doc: dict[str, list[tuple[int, Relation]]] = {}  # with their rows, for the messages
    for i, doc_id in enumerate(rels["doc_id"]):
        by_doc.setdefault(doc_id, []).append(
            (i + 1, Relation(doc_id, rels["arg1"][i], rels["arg2"][i], rels["label"][i], rels["grp"][i],
                             score=rels["score"][i]))
        )  # fmt: skip
    items: list[tuple[int, Item]] = []
    held: set[str] = set()
    for row, (seq, text) in enumerate(zip(docs["seq"], docs["document"]), start=1):
        try:
            doc = Document.from_json(json.loads(text))
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError, ValueError) as err:
            raise InputError(folder / "documents.parquet", None, f"row {row}: not a document ({err!r})") from None
        held.add(doc.id)
        ids, numbered = {m.id for m in doc.mentions}, by_doc.get(doc.id, [])
        for rel_row, r in numbered:
            if problem := relation_problem(r, ids):
                raise InputError(folder / "relations.parquet", None, f"row {rel_row}: {problem}; mine the shard again")
        items.append((seq, (doc, [r for _, r in numbered])))
    if orphans := [rel for doc_id, rels_ in by_doc.items() if doc_id not in held for rel in rels_]:
        rel_row, r = orphans[0]  # relations of documents the shard does not hold: lost on import otherwise
        raise InputError(folder / "relations.parquet", None,
                         f"row {rel_row}: relation of document {r.doc_id}, which the shard does not hold")  # fmt: skip
    items += [(seq, Deletion(doc_id)) for seq, doc_id in zip(dels["seq"], dels["id"])]
    for _, item in sorted(items, key=lambda pair: pair[0]):
        yield item


@dataclass
class ImportSummary:
    shards: int = 0
    skipped_shards: int = 0  # imported before
    documents: int = 0
    skipped: int = 0  # documents this model had mined already (or a newer version stored)
    replaced: int = 0
    deleted: int = 0
    relations: Counter[str] = field(default_factory=Counter)

    def format(self) -> str:
        return "\n".join([
            f"shards     {self.shards} imported, {self.skipped_shards} imported before",
            f"documents  {self.documents} added, {self.skipped} already in the store"
            + (f", {self.replaced} replaced an older version" if self.replaced else ""),
            *([f"deleted    {self.deleted} documents"] if self.deleted else []),
            f"relations  {sum(self.relations.values())}",
            *(f"  {label:<12} {n}" for label, n in self.relations.most_common()),
        ])  # fmt: skip


def import_shards(
    out: str | Path, store_path: str | Path, batch_docs: int = 256, progress: bool = True
) -> ImportSummary:
    """Merge the complete shards under ``out`` into the store at ``store_path`` (created if new), in shard order;
    shards merged before are skipped, and a document its model already mined counts as already there."""
    from relnet.progress import progress as progress_bar

    names = done_shards(out)
    if not names:
        raise RelnetError(f"{out}: no complete shards under {Path(out) / SHARDS}; mine with --engine ray first")
    summary = ImportSummary()
    with RelationStore(store_path) as store:
        already = store.imported_shards()
        first = read_record(shard_folder(out, names[0]))
        store.start_run({"relations": first["model_id"], "tagger": first["tagger_id"]},
                        {"engine": "ray", "import": str(Path(out).resolve()), "shards": len(names)})  # fmt: skip
        bar = progress_bar(total=len(names), desc="import", unit="shard", disable=not progress)
        for name in names:
            if name in already:
                summary.skipped_shards += 1
            else:
                _import_shard(store, shard_folder(out, name), summary, batch_docs)
                summary.shards += 1
            bar.update(1)
        bar.close()
    return summary


def _import_shard(store: RelationStore, folder: Path, summary: ImportSummary, batch_docs: int) -> None:
    """One shard into ``store``: documents in batches (one transaction each), deletions where they were read, then
    the shard marked imported."""
    record = read_record(folder)
    model_id, tagger_id = record["model_id"], record["tagger_id"]
    for key, kind in (("model_id", "relations"), ("tagger_id", "tagger")):
        if record.get(f"{kind}_path"):
            store.register_model(record[key], kind, record[f"{kind}_path"])
    batch: list[tuple[Document, Sequence[Relation]]] = []

    def flush() -> None:
        ids = [doc.id for doc, _ in batch]
        mined, stored = store.done_ids(model_id, among=ids), store.revisions(ids)

        def there(d: Document) -> bool:  # an older version than the stored one, or this one mined by this model
            return d.id in stored and (revision(d) < stored[d.id] or (d.id in mined and revision(d) == stored[d.id]))

        todo = [(d, r) for d, r in batch if not there(d)]
        summary.skipped += len(batch) - len(todo)
        summary.replaced += store.add_batch(todo, model_id=model_id, tagger_id=tagger_id)
        summary.documents += len(todo)
        summary.relations.update(r.label for _, rels in todo for r in rels)
        batch.clear()

    for item in read_shard(folder):
        if isinstance(item, Deletion):
            flush()
            summary.deleted += store.delete_documents([item.id])
            continue
        if any(doc.id == item[0].id for doc, _ in batch):
            flush()  # a repeated id: the first copy is stored before the second is looked at
        batch.append(item)
        if len(batch) >= batch_docs:
            flush()
    flush()
    store.mark_imported(folder.name, record["documents"])
