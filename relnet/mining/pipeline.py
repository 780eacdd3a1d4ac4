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
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from relnet.data import Deletion, Document, Relation
from relnet.errors import RelnetError
from relnet.mentions import Tagger, tag_all
from relnet.progress import progress as progress_bar
from relnet.relations.extract import Classifier, extract_relations_batch
from relnet.store.sqlite import RelationStore, revision

log = logging.getLogger("relnet")

#: Input formats that never bring their own mentions: mining them needs a tagger.
UNANNOTATED = ("text", "medline", "jats", "tsv")


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

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "relations": dict(self.relations), "docs_per_second": self.docs_per_second}

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


def mine_batch(
    docs: Sequence[Document],
    tagger: Tagger | None,
    classifier: Classifier,
    batch_size: int = 64,
    keep: set[str] | frozenset[str] = frozenset(),
) -> tuple[list[Document], list[list[Relation]]]:
    """One batch through the models: documents without mentions tagged (except the ids in ``keep``, read back from
    a store), then every candidate pair classified in one call. What the single-process path and each Ray actor
    run, so both give the same answers."""
    docs_ = list(docs)
    untagged = [not d.mentions and d.id not in keep for d in docs_]
    if tagger is not None and any(untagged):
        tagged = iter(tag_all(tagger, [d for d, todo in zip(docs_, untagged) if todo]))
        docs_ = [next(tagged) if todo else d for d, todo in zip(docs_, untagged)]
    return docs_, extract_relations_batch(docs_, classifier, batch_size)


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
            "viterbi": getattr(tagger, "viterbi", None),
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
        docs_, relations = mine_batch(docs_, tagger, classifier, batch_size, keep=from_store)
        summary.replaced += store.add_batch(zip(docs_, relations), model_id=model_id, tagger_id=tagger_id) or 0
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


def read_inputs(
    inputs: str | Path | Sequence[str | Path], fmt: str = "auto", layout: str = "blocks", tagged: bool = False
) -> Iterator[Document | Deletion]:
    """The documents of one or more inputs, one after the other, read lazily; an input that never has mentions
    (plain text, MEDLINE, JATS, abstracts TSV) without a tagger (``tagged``) is an error now, not after the models
    load."""
    from relnet.corpus.texts import detect_format, read_texts

    paths = [inputs] if isinstance(inputs, str | Path) else list(inputs)
    if not paths:
        raise RelnetError("no input given")
    for path in paths:
        resolved = fmt if fmt != "auto" else detect_format(path)
        if resolved == "text":
            log.info("%s: read as plain text, layout %s", path, layout)
        if not tagged and resolved in UNANNOTATED:
            raise RelnetError(
                f"{path}: no mentions in the input ({resolved}); choose a tagger (--tagger lexicon --lexicon-from …)"
            )
    return itertools.chain.from_iterable(read_texts(path, fmt, layout) for path in paths)


def _name(inputs: str | Path | Sequence[str | Path]) -> str:
    return str(inputs) if isinstance(inputs, str | Path) else ", ".join(map(str, inputs))


def mine_files(
    input_path: str | Path | Sequence[str | Path],
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
    viterbi: bool = True,
) -> MiningSummary:
    """`mine` from paths: read the input (one path or several, in order), load the model and tagger, open (or
    create) the store.

    ``layout`` is how plain text splits into documents: ``blocks`` (blank-line separated; a hard-wrapped
    abstract is one document) or ``lines`` (one per line); see `relnet.corpus.plaintext`.

    With a tagger, the input's own mentions are dropped unless ``use_gold_mentions`` (then the
    tagger only fills in documents without any); without one, the input's mentions are used.
    ``backend`` runs both models (`relnet.model.backends`; ``ner_backend`` overrides it for the tagger); the store
    records the models by content (`load_models`).
    """
    docs = read_inputs(input_path, fmt, layout, tagged=tagger is not None)  # read as mining goes
    # the first batch is read before the models load: an input that is wrong from the start fails at once
    head = list(itertools.islice(docs, batch_docs))
    docs = itertools.chain(head, docs)
    models = load_models(model_dir, tagger, lexicon_from, ner_model, backend, ner_backend, snap_words, viterbi=viterbi)
    if models.tagger is None and not any(isinstance(d, Document) and d.mentions for d in head):
        raise RelnetError(
            f"{_name(input_path)}: no mentions in the input (none in its first {len(head)} documents); choose a tagger "
            "(--tagger lexicon --lexicon-from …)"
        )
    if models.tagger is not None and not use_gold_mentions:
        docs = (d.with_annotations((), ()) if isinstance(d, Document) else d for d in docs)
    with RelationStore(store_path) as store:
        store.register_model(models.model_id, "relations", model_dir)
        if models.tagger_path:
            store.register_model(models.tagger_id, "tagger", models.tagger_path)
        return mine(
            docs, models.tagger, models.classifier, store, batch_docs, progress, batch_size,
            model_id=models.model_id, tagger_id=models.tagger_id,
        )  # fmt: skip


@dataclass
class Models:
    """A mining run's models, loaded, and the ids the store knows them by (`relnet.model.identity`)."""

    tagger: Tagger | None
    classifier: Classifier
    model_id: str
    tagger_id: str
    tagger_path: str = ""  # the NER model folder or lexicon split it was loaded from


def load_models(
    model_dir: str | Path,
    tagger: str | None = None,
    lexicon_from: str | Path | None = None,
    ner_model: str | Path | None = None,
    backend: str = "fp32",
    ner_backend: str | None = None,
    snap_words: bool = True,
    threads: int = 0,
    viterbi: bool = True,
) -> Models:
    """Load the relation model and the tagger (``lexicon`` | ``transformer`` | None) on their backends; their ids
    are content hashes, so the same model gives the same id from any folder or machine. A reduced-precision
    backend (bf16, int8) predicts slightly differently: its id says so (``sha256:…+int8``); ONNX fp32 agrees with
    PyTorch fp32 to 1e-5 and keeps the plain id. ``threads``: each model's intra-op pool (0: this process's cores;
    a Ray actor is given its share)."""
    from relnet.mentions import get_tagger
    from relnet.model.backends import LOSSY, resolve_backend, set_threads
    from relnet.model.classifier import RelationClassifier
    from relnet.model.identity import model_id, weights_digest

    if threads:
        set_threads(threads)

    ner_backend = resolve_backend(ner_backend or backend, kind="ner")  # auto: each model's measured best
    backend = resolve_backend(backend)
    ner = (
        get_tagger(
            tagger,
            lexicon_from=lexicon_from,
            ner_model=ner_model,
            snap_words=snap_words,
            viterbi=viterbi,
            backend=ner_backend,
            threads=threads,
        )
        if tagger
        else None
    )
    source = ner_model if tagger == "transformer" else lexicon_from
    tagger_id = tagger or ""
    if tagger and source and Path(source).is_dir():
        tagger_id = f"{tagger}:sha256:{weights_digest(source)}"
    if getattr(ner, "backend", "fp32") in LOSSY:
        tagger_id += f"+{ner.backend}"  # type: ignore[union-attr]
    classifier = RelationClassifier.load(model_dir, backend)
    return Models(
        ner,
        classifier,
        model_id(model_dir, classifier.backend),
        tagger_id,
        str(Path(source).resolve()) if source else "",
    )
