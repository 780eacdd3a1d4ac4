"""The mining path end to end: `Document`s → mentions (input or tagger) → `Relation`s → `RelationStore`.

`mine` works in batches of documents; each batch is predicted with one classifier call and stored
in one transaction, so an interrupted run loses at most the batch in flight, and a rerun skips
every document the same model has already mined. A second model mining documents that are stored
already reads them with their stored mentions. `mine_files` is the same from paths, for the CLI.

Memory does not grow with the input: `mine` pulls documents from any iterable (the streaming readers of
`relnet.corpus.texts`) one batch at a time and asks the store about that batch only. A `Deletion` in the input
(MEDLINE update files) removes its document from the store; a newer version of a stored document replaces it.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from relnet.data import Deletion, Document
from relnet.errors import RelnetError
from relnet.mentions import Tagger, tag_all
from relnet.progress import progress as progress_bar
from relnet.relations.extract import Classifier, extract_relations_batch
from relnet.store.sqlite import RelationStore, revision

log = logging.getLogger("relnet")

#: Input formats that never bring their own mentions: mining them needs a tagger.
UNANNOTATED = ("text", "medline", "jats")


@dataclass
class MiningSummary:
    """What one `mine` call did (documents this model has already mined count as ``skipped`` only)."""

    documents: int = 0
    skipped: int = 0
    replaced: int = 0  # stored documents replaced by a newer version (counted in ``documents`` too)
    deleted: int = 0  # stored documents removed by a `Deletion`
    deletions: int = 0  # `Deletion`s read (of documents stored or not)
    mentions: int = 0
    without_mentions: int = 0
    relations: Counter[str] = field(default_factory=Counter)  # per label
    seconds: float = 0.0

    @property
    def docs_per_second(self) -> float:
        return self.documents / self.seconds if self.seconds > 0 else 0.0

    def format(self) -> str:
        lines = [
            f"documents  {self.documents} mined, {self.skipped} already in the store (mined by this model)",
            *([f"           {self.replaced} of them replaced an older version"] if self.replaced else []),
            *([f"deleted    {self.deleted} documents ({self.deletions} deletion records)"] if self.deletions else []),
            f"mentions   {self.mentions} ({self.without_mentions} documents without any)",
            f"relations  {sum(self.relations.values())}",
            *(f"  {label:<12} {n}" for label, n in self.relations.most_common()),
            f"time       {self.seconds:.1f} s ({self.docs_per_second:.1f} documents/s)",
        ]
        return "\n".join(lines)


def mine(
    docs: Iterable[Document | Deletion],
    tagger: Tagger | None,
    classifier: Classifier,
    store: RelationStore,
    batch_docs: int = 16,
    progress: bool = True,
    batch_size: int = 64,
    model_id: str = "",
    tagger_id: str = "",
) -> MiningSummary:
    """Find relations in ``docs`` and add them to ``store``.

    A document's own mentions are used if it has any (gold, PubTator); otherwise ``tagger`` finds
    them. Documents already mined by ``model_id`` are skipped; relations are stored under ``model_id``, so a
    second model can mine the same documents into the same store (with the same mentions).
    ``tagger_id`` (which tagger, from which folder) and the tagger's decoding go into the store's run record.

    ``docs`` is read lazily: at most ``batch_docs`` documents are held (read, looked up in the store, mined,
    stored) at a time. A document whose `revision` is newer than the stored one's (MEDLINE's PMID version and
    revision date) is mined again and replaces it; an equal or older one counts as already there, as does a
    repeated id. A `Deletion` removes its document (after the documents before it are stored).
    """
    if batch_docs < 1:
        raise RelnetError(f"batch_docs must be at least 1, found {batch_docs}")
    summary = MiningSummary()
    started = time.perf_counter()
    store.start_run(
        {"relations": model_id, "tagger": tagger_id or (type(tagger).__name__ if tagger else "")},
        {
            "batch_docs": batch_docs,
            "batch_size": batch_size,
            "scheme": classifier.meta.get("scheme", "cpr"),
            "snap_words": getattr(tagger, "snap_words", None),  # NER decoding changes the mentions found
        },
    )
    total = len(docs) if isinstance(docs, Sequence) else None
    bar = progress_bar(total=total, desc="mine", unit="doc", disable=not progress)
    pending: list[Document] = []  # read, not yet looked up in the store
    batch: dict[str, Document] = {}  # to mine, by id (a repeated id keeps its newest version)
    from_store: set[str] = set()  # ids in ``batch`` read back with their stored mentions: not tagged again
    deletions: list[str] = []

    def look_up() -> None:
        """Move ``pending`` into ``batch``, minus what the store has already (one query each for the lot)."""
        ids = [d.id for d in pending]
        mined, stored = store.done_ids(model_id, among=ids), store.revisions(ids)
        for doc in pending:
            if doc.id in batch:  # repeated within the batch: the newer version stays
                if revision(doc) > revision(batch[doc.id]):
                    batch[doc.id] = doc.with_annotations(relations=())
                    from_store.discard(doc.id)
                summary.skipped += 1
                bar.update(1)
                continue
            if doc.id in stored and revision(doc) <= stored[doc.id]:
                if doc.id in mined:
                    summary.skipped += 1
                    bar.update(1)
                    continue
                if not doc.mentions:  # read by another model: reuse its mentions, so relations line up
                    doc = store.document(doc.id) or doc
                    from_store.add(doc.id)
            batch[doc.id] = doc.with_annotations(relations=())
        pending.clear()

    def flush() -> None:
        docs_ = list(batch.values())
        untagged = [not d.mentions and d.id not in from_store for d in docs_]
        if tagger is not None and any(untagged):
            tagged = iter(tag_all(tagger, [d for d, todo in zip(docs_, untagged) if todo]))
            docs_ = [next(tagged) if todo else d for d, todo in zip(docs_, untagged)]
        relations = extract_relations_batch(docs_, classifier, batch_size)
        summary.replaced += store.add_batch(zip(docs_, relations), model_id=model_id) or 0
        for doc, rels in zip(docs_, relations):
            summary.documents += 1
            summary.mentions += len(doc.mentions)
            summary.without_mentions += not doc.mentions
            summary.relations.update(r.label for r in rels)
        bar.update(len(docs_))
        batch.clear()
        from_store.clear()

    def drain() -> None:
        """Store everything read so far, in input order: documents, then deletions."""
        if pending:
            look_up()
        if batch:
            flush()
        if deletions:
            summary.deleted += store.delete_documents(deletions)
            summary.deletions += len(deletions)
            deletions.clear()

    try:
        for item in docs:
            if isinstance(item, Deletion):
                if pending or batch:
                    drain()  # the documents before a deletion are stored before it applies
                deletions.append(item.id)
                if len(deletions) >= 1000:
                    drain()
                continue
            if deletions:
                drain()  # and a document after a deletion comes back
            pending.append(item)
            if len(pending) + len(batch) >= batch_docs:
                look_up()
                if len(batch) >= batch_docs:
                    flush()
        drain()
    finally:
        bar.close()
    summary.seconds = time.perf_counter() - started
    if summary.without_mentions:
        log.warning("%d documents had no chemical or gene mentions", summary.without_mentions)
    return summary


def mine_files(
    input_path: str | Path,
    model_dir: str | Path,
    store_path: str | Path,
    fmt: str = "auto",
    tagger: str | None = None,
    lexicon_from: str | Path | None = None,
    ner_model: str | Path | None = None,
    use_gold_mentions: bool = False,
    batch_docs: int = 16,
    batch_size: int = 64,
    progress: bool = True,
    backend: str = "fp32",
    ner_backend: str | None = None,
    snap_words: bool = True,
    layout: str = "blocks",
) -> MiningSummary:
    """`mine` from paths: read the input, load the model and tagger, open (or create) the store.

    ``layout`` is how plain text splits into documents: ``blocks`` (blank-line separated; a hard-wrapped
    abstract is one document) or ``lines`` (one per line); see `relnet.corpus.plaintext`.

    With a tagger, the input's own mentions are dropped unless ``use_gold_mentions`` (then the
    tagger only fills in documents without any); without one, the input's mentions are used.
    ``backend`` runs both models (`relnet.model.backends`; ``ner_backend`` overrides it for the tagger). A
    reduced-precision backend (bf16, int8) predicts slightly differently, so the store records it with the model's
    id (``…/best+int8``) and the tagger's; ONNX fp32 agrees with PyTorch fp32 to 1e-5 and keeps the plain id.
    """
    from relnet.corpus.texts import detect_format, read_texts
    from relnet.mentions import get_tagger
    from relnet.model.backends import LOSSY, resolve_backend
    from relnet.model.classifier import RelationClassifier

    docs = read_texts(input_path, fmt, layout)  # an iterator: documents are read as mining goes
    resolved = fmt if fmt != "auto" else detect_format(input_path)
    if resolved == "text":
        log.info("%s: read as plain text, layout %s", input_path, layout)
    if tagger is None and resolved in UNANNOTATED:
        raise RelnetError(
            f"{input_path}: no mentions in the input ({resolved}); choose a tagger (--tagger lexicon --lexicon-from …)"
        )
    # the first batch is read before the models load: an input that is wrong from the start fails at once
    head = list(itertools.islice(docs, batch_docs))
    docs = itertools.chain(head, docs)
    ner_backend = resolve_backend(ner_backend or backend, kind="ner")  # auto: each model's measured best
    backend = resolve_backend(backend)
    ner = (
        get_tagger(tagger, lexicon_from=lexicon_from, ner_model=ner_model, snap_words=snap_words, backend=ner_backend)
        if tagger
        else None
    )
    source = ner_model if tagger == "transformer" else lexicon_from
    tagger_id = f"{tagger}:{Path(source).resolve()}" if tagger and source else (tagger or "")
    if getattr(ner, "backend", "fp32") in LOSSY:
        tagger_id += f"+{ner.backend}"  # type: ignore[union-attr]
    if ner is None and not any(isinstance(d, Document) and d.mentions for d in head):
        raise RelnetError(
            f"{input_path}: no mentions in the input (none in its first {len(head)} documents); choose a tagger "
            "(--tagger lexicon --lexicon-from …)"
        )
    if ner is not None and not use_gold_mentions:
        docs = (d.with_annotations((), ()) if isinstance(d, Document) else d for d in docs)
    classifier = RelationClassifier.load(model_dir, backend)
    model_id = str(Path(model_dir).resolve())  # the same model from any working directory
    if classifier.backend in LOSSY:
        model_id += f"+{classifier.backend}"  # its predictions differ slightly: another model for the store
    with RelationStore(store_path) as store:
        return mine(
            docs, ner, classifier, store, batch_docs, progress, batch_size, model_id=model_id, tagger_id=tagger_id
        )
