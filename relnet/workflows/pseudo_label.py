"""Self-training data: unlabeled text → NER mentions → candidate pairs → a teacher's labels → a training corpus.

What `relnet pseudo-label` runs. Documents of the splits named in ``exclude`` are dropped first (the unlabeled
corpus holds the ChemProt development abstracts). Each candidate pair (chemical–gene, one sentence, as mining
pairs them) is labelled by the teacher (one model or the mean of several, `Ensemble`); a pair is kept when the
teacher's probability for its label is at least ``min_confidence``. For a scheme without a negative class
(``fine`` types only annotated pairs), a ``gate`` model of a scheme with one (``cpr``) first decides that the pair
is related at all, with the same threshold. A pair whose sentence is longer than ``max_sentence_chars`` is dropped
before any model sees it: gold sentences stay under 1,100 characters (ChemProt 870, DrugProt 1,087), while full
texts give "sentences" of sequences and tables that the splitter cannot cut (9 % of the pairs kept from 10,000
unlabeled documents were over 1,500). ``max_per_class`` caps every class at a seeded sample, so the
abundant classes (``false``, CPR:4) do not drown the rare ones; ``negative_ratio`` caps the negative class at a
multiple of the relation pairs kept instead, so that the pseudo-labelled corpus keeps gold's balance of related and
unrelated pairs.

The output is relnet's Document JSONL (``documents.jsonl``, readable by ``relnet train --extra-train``), one
document per kept pair — the sentence, its two mentions and, for a positive label, the relation — so no pair the
teacher was unsure about becomes an implicit negative. Documents keep their PMID: the leak filter and the model's
``trained_on`` record see them. ``pseudo.json`` holds the counts and settings, ``pseudo.txt`` the same for people.

For NER (`relnet pseudo-tag`), the teacher is a tagger: every document keeps all its predicted mentions (a
student tagger learns the teacher's spans, and its misses as "outside", as it would from gold), no relations.
Its sentences over ``max_sentence_chars`` are blanked (line breaks in place of their characters, their mentions
dropped): the student never trains on a sequence or a table, and every other offset stays as the teacher tagged it.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

import torch

from relnet.corpus.jsonl import DOCUMENTS_JSONL, write_documents_jsonl
from relnet.data import CHEMICAL, GENE, Deletion, Document, Example, Mention, Relation
from relnet.errors import RelnetError
from relnet.examples.candidates import make_examples
from relnet.examples.labels import LabelScheme, get_scheme
from relnet.mentions import Tagger, tag_all
from relnet.model.classifier import RelationClassifier
from relnet.model.prob_cache import CachedModel
from relnet.paths import write_text
from relnet.progress import progress
from relnet.relations.extract import chunked
from relnet.text.sentences import split_sentences
from relnet.workflows.ensemble import Ensemble

#: Longer than any gold sentence (ChemProt training 870 characters, DrugProt 1,087), shorter than the garbage.
MAX_SENTENCE_CHARS = 1200


def _check_max_sentence_chars(value: int) -> None:
    if value < 0:
        raise RelnetError(f"--max-sentence-chars must be ≥ 0, got {value}")


@dataclass(frozen=True)
class PseudoPair:
    example: Example
    label: str
    confidence: float  # the teacher's probability of ``label`` (averaged over its members)
    source: str = ""  # the document's source corpus (the unlabeled corpus's SOURCE column)


@dataclass
class PseudoStats:
    documents_read: int = 0
    documents_excluded: int = 0  # in an excluded split (dev, test)
    candidates: int = 0
    too_long: int = 0  # the sentence is over max_sentence_chars (not prose: a sequence, a table)
    gated_out: int = 0  # the gate said "no relation" or was unsure
    below_confidence: int = 0
    capped: int = 0  # over --max-per-class
    kept: Counter[str] = field(default_factory=Counter)
    documents_by_source: Counter[str] = field(default_factory=Counter)  # documents labelled (not excluded)
    kept_by_source: Counter[str] = field(default_factory=Counter)
    scores_reused: int = 0  # model scores read from the pair-probability cache, not predicted (relnet.model.prob_cache)

    def to_json(self) -> dict:
        return {**asdict(self), "kept": dict(self.kept.most_common()),
                "documents_by_source": dict(self.documents_by_source.most_common()),
                "kept_by_source": dict(self.kept_by_source.most_common())}  # fmt: skip

    def source_yield(self) -> list[str]:
        """Pairs kept per source and per 1,000 of its documents: which text is worth labelling."""
        width = max((len(src) for src in self.documents_by_source), default=0)
        return [f"  {src:<{width}}  {n_docs:>7} docs  {self.kept_by_source[src]:>6} pairs  "
                f"{1000 * self.kept_by_source[src] / n_docs:7.1f} per 1k docs"
                for src, n_docs in self.documents_by_source.most_common()]  # fmt: skip

    def format(self) -> str:
        lines = [f"documents read      {self.documents_read} ({self.documents_excluded} in an excluded split)",
                 f"candidate pairs     {self.candidates}",
                 f"  sentence too long {self.too_long}",
                 f"  gated out         {self.gated_out}",
                 f"  below confidence  {self.below_confidence}",
                 f"  over the class cap {self.capped}",
                 f"kept                {sum(self.kept.values())}",
                 *(f"  {label:<16}  {n}" for label, n in self.kept.most_common()),
                 "by source", *self.source_yield()]  # fmt: skip
        if self.scores_reused:
            lines.append(f"model scores read from the cache, not predicted: {self.scores_reused}")
        return "\n".join(lines)


def select(
    examples: list[Example],
    probs: torch.Tensor,
    labels: Sequence[str],
    min_confidence: float,
    stats: PseudoStats | None = None,
) -> list[PseudoPair]:
    """The pairs the teacher is confident about, labelled with its argmax."""
    stats = stats if stats is not None else PseudoStats()
    conf, best = probs.max(dim=-1)
    kept = []
    for i, ex in enumerate(examples):
        if float(conf[i]) < min_confidence:
            stats.below_confidence += 1
        else:
            kept.append(PseudoPair(ex, labels[int(best[i])], float(conf[i])))
    return kept


def balance(
    pairs: list[PseudoPair],
    max_per_class: int,
    seed: int,
    stats: PseudoStats | None = None,
    negative: str | None = None,
    negative_ratio: float = 0.0,
) -> list[PseudoPair]:
    """At most ``max_per_class`` pairs per label (a seeded sample; 0 = no cap), in their original order.

    With ``negative_ratio`` > 0, the ``negative`` label is capped instead at that many times the relation pairs
    kept: a cap per label leaves `false` as one label among six, so a corpus the teacher finds mostly related
    pairs in teaches the student more recall than gold does (gold ChemProt: 1.6 `false` per relation)."""
    by_label: dict[str, list[int]] = {}
    for i, p in enumerate(pairs):
        by_label.setdefault(p.label, []).append(i)
    rng = random.Random(seed)
    keep: set[int] = set()
    ratio_cap = negative is not None and negative_ratio > 0
    for label in sorted(by_label):
        if ratio_cap and label == negative:
            continue
        idx = by_label[label]
        keep |= set(rng.sample(idx, max_per_class)) if max_per_class and len(idx) > max_per_class else set(idx)
    if ratio_cap and negative in by_label:
        idx, cap = by_label[negative], round(negative_ratio * len(keep))
        keep |= set(rng.sample(idx, cap)) if len(idx) > cap else set(idx)
    if stats is not None:
        stats.capped += len(pairs) - len(keep)
    return [p for i, p in enumerate(pairs) if i in keep]


def to_document(pair: PseudoPair, scheme: LabelScheme) -> Document:
    """One pseudo-labelled pair as a document: its sentence, its two mentions, its relation (none for negatives)."""
    ex = pair.example
    head = Mention(ex.head_id, ex.head.start, ex.head.end, ex.head_text, CHEMICAL)
    tail = Mention(ex.tail_id, ex.tail.start, ex.tail.end, ex.tail_text, GENE)
    relations = ()
    if pair.label != scheme.negative:
        group = scheme.group_of(pair.label) or ""
        relations = (Relation(ex.doc_id, ex.head_id, ex.tail_id, pair.label, group, True, pair.confidence),)
    return Document(ex.doc_id, ex.text, (head, tail), relations, source="pseudo",
                    meta={"confidence": pair.confidence, "sentence_offset": ex.offset})  # fmt: skip


def _load(folder: str | Path, backend: str, cache: bool) -> RelationClassifier | CachedModel:
    """A model, through the pair-probability cache with ``cache``: a run killed at a session's end resumes where
    it stopped, and the pairs another run scored with the same model are looked up, not predicted."""
    model = RelationClassifier.load(folder, backend)
    return CachedModel.shared(model, folder, backend) if cache else model


def _teacher(folders: Sequence[str | Path], backend: str, cache: bool = False) -> Ensemble:
    if not folders:
        raise RelnetError("pseudo-labelling needs a teacher: --teacher MODEL (repeat for an ensemble)")
    return Ensemble([_load(f, backend, cache) for f in folders])


class _DocumentCounts(Protocol):
    documents_read: int
    documents_excluded: int


def document_batches(
    docs: Iterable[Document | Deletion],
    exclude: set[str] | frozenset[str],
    max_docs: int,
    batch_docs: int,
    counts: _DocumentCounts,
    bar: Any,
) -> Iterator[list[Document]]:
    """``docs`` in lists of ``batch_docs``: MEDLINE deletions skipped, ``exclude``d ones counted and dropped, at most
    ``max_docs`` kept (0 = all); ``bar`` advances by one per document kept."""
    batch: list[Document] = []
    for doc in docs:
        if not isinstance(doc, Document):  # a MEDLINE deletion: nothing to label
            continue
        if max_docs and counts.documents_read - counts.documents_excluded >= max_docs:
            break
        counts.documents_read += 1
        if doc.id in exclude:
            counts.documents_excluded += 1
            continue
        batch.append(doc)
        bar.update(1)
        if len(batch) >= batch_docs:
            yield batch
            batch = []
    if batch:
        yield batch


def pseudo_label(
    docs: Iterable[Document | Deletion],
    tagger: Tagger,
    teacher: Ensemble,
    gate: RelationClassifier | CachedModel | None = None,
    min_confidence: float = 0.9,
    exclude: set[str] | frozenset[str] = frozenset(),
    max_docs: int = 0,
    batch_docs: int = 64,
    batch_size: int = 64,
    max_sentence_chars: int = MAX_SENTENCE_CHARS,
) -> tuple[list[PseudoPair], PseudoStats]:
    """Confident pairs of ``docs`` (not ``exclude``d, at most ``max_docs`` of them; sentences up to
    ``max_sentence_chars``, 0 = any), before class balancing."""
    scheme = get_scheme(teacher.members[0].meta.get("scheme", "cpr"))
    if scheme.negative is None and gate is None:
        raise RelnetError(f"scheme {scheme.name} has no negative class: give a --gate model (cpr) that says which "
                          "pairs are related at all")  # fmt: skip
    gate_negative = 0
    if gate is not None:
        gate_scheme = get_scheme(gate.meta.get("scheme", "cpr"))
        if gate_scheme.negative is None:
            raise RelnetError(f"the gate must have a negative class (cpr); it was trained under {gate_scheme.name}")
        gate_negative = gate.labels.index(gate_scheme.negative)
    stats, pairs = PseudoStats(), []

    def run(batch: list[Document]) -> None:
        source_of = {d.id: d.source for d in batch}
        stats.documents_by_source.update(d.source for d in batch)
        for examples in chunked(ex for d in tag_all(tagger, batch) for ex in make_examples(d, None)):
            stats.candidates += len(examples)
            if max_sentence_chars:
                prose = [e for e in examples if len(e.text) <= max_sentence_chars]
                stats.too_long += len(examples) - len(prose)
                examples = prose
            if not examples:
                continue
            if gate is not None:  # first, so the (larger) teacher sees only the related pairs
                related = 1 - gate.predict_proba(examples, batch_size)[:, gate_negative]
                passing = [e for e, r in zip(examples, related.tolist()) if r >= min_confidence]
                stats.gated_out += len(examples) - len(passing)
                examples = passing
            if examples:
                probs = teacher.predict_proba(examples, batch_size)
                pairs.extend(replace(p, source=source_of.get(p.example.doc_id, ""))
                             for p in select(examples, probs, teacher.labels, min_confidence, stats))  # fmt: skip

    bar = progress(total=max_docs or None, desc="pseudo-label", unit="doc")
    for batch in document_batches(docs, exclude, max_docs, batch_docs, stats, bar):
        run(batch)
        bar.set_postfix(pairs=len(pairs))
    bar.close()
    return pairs, stats


def pseudo_label_to_folder(
    inputs: Sequence[str | Path],
    output: str | Path,
    teacher: Sequence[str | Path],
    tagger: Tagger,
    gate: str | Path | None = None,
    exclude_splits: Sequence[str | Path] = (),
    min_confidence: float = 0.9,
    max_per_class: int = 0,
    max_docs: int = 0,
    seed: int = 13,
    backend: str = "fp32",
    batch_size: int = 64,
    max_sentence_chars: int = MAX_SENTENCE_CHARS,
    negative_ratio: float = 0.0,
    cache: bool = True,
) -> PseudoStats:
    """Read ``inputs``, label them, write ``output/documents.jsonl`` + ``pseudo.json`` + ``pseudo.txt``. With
    ``cache``, every model's scores go through ``RELNET_HOME/pair-probs`` (`relnet.model.prob_cache`)."""
    from relnet.corpus import read_documents
    from relnet.mining.pipeline import read_inputs

    if not 0 < min_confidence <= 1:
        raise RelnetError(f"--min-confidence must be in (0, 1], got {min_confidence}")
    _check_max_sentence_chars(max_sentence_chars)
    if negative_ratio < 0:
        raise RelnetError(f"--negative-ratio must be ≥ 0, got {negative_ratio}")
    exclude = {d.id for split in exclude_splits for d in read_documents(split)}
    ensemble = _teacher(teacher, backend, cache)
    scheme = get_scheme(ensemble.members[0].meta.get("scheme", "cpr"))
    if negative_ratio and scheme.negative is None:
        raise RelnetError(f"--negative-ratio needs a scheme with a negative class; the teacher's is {scheme.name}")
    gate_model = _load(gate, backend, cache) if gate else None
    pairs, stats = pseudo_label(read_inputs(list(inputs), tagged=True), tagger, ensemble, gate_model, min_confidence,
                                exclude, max_docs, batch_size=batch_size,
                                max_sentence_chars=max_sentence_chars)  # fmt: skip
    stats.scores_reused = sum(m.reused for m in [*ensemble.members, gate_model] if isinstance(m, CachedModel))
    pairs = balance(pairs, max_per_class, seed, stats, scheme.negative, negative_ratio)
    stats.kept = Counter(p.label for p in pairs)
    stats.kept_by_source = Counter(p.source for p in pairs)
    out = Path(output)
    out.mkdir(parents=True, exist_ok=True)
    write_documents_jsonl((to_document(p, scheme) for p in pairs), out / DOCUMENTS_JSONL)
    settings = {"inputs": [str(i) for i in inputs], "teacher": [str(t) for t in teacher], "gate": str(gate or ""),
                "scheme": scheme.name, "exclude_splits": [str(s) for s in exclude_splits],
                "excluded_ids": len(exclude), "min_confidence": min_confidence, "max_per_class": max_per_class,
                "max_docs": max_docs, "seed": seed, "max_sentence_chars": max_sentence_chars,
                "negative_ratio": negative_ratio}  # fmt: skip
    (out / "pseudo.txt").write_text(stats.format() + "\n")
    write_text(out / "pseudo.json", json.dumps({"settings": settings, **stats.to_json()}, indent=2))  # "done"
    return stats


@dataclass
class PseudoTagStats:
    documents_read: int = 0
    documents_excluded: int = 0  # in an excluded split (dev, test)
    documents_written: int = 0
    documents_blank: int = 0  # every sentence was over max_sentence_chars: nothing left to write
    sentences_too_long: int = 0  # blanked
    mentions_too_long: int = 0  # dropped with their sentence
    mentions: Counter[str] = field(default_factory=Counter)

    def to_json(self) -> dict:
        return {**asdict(self), "mentions": dict(self.mentions.most_common())}

    def format(self) -> str:
        lines = [f"documents read      {self.documents_read} ({self.documents_excluded} in an excluded split)",
                 f"documents written   {self.documents_written} ({self.documents_blank} with only long sentences "
                 f"left out)",
                 f"sentences too long  {self.sentences_too_long} (blanked, {self.mentions_too_long} mentions "
                 f"dropped)",
                 f"mentions            {sum(self.mentions.values())}",
                 *(f"  {kind:<16}  {n}" for kind, n in self.mentions.most_common())]  # fmt: skip
        return "\n".join(lines)


def blank_long_sentences(doc: Document, max_chars: int) -> tuple[Document, int, int]:
    """``doc`` with each sentence over ``max_chars`` turned into line breaks and its mentions dropped, and the
    counts of both. Line breaks (not spaces) keep the sentence boundaries on both sides, and the text's length, so
    every other mention's offsets stay valid. Sentences are cut as `encode_document` cuts them."""
    if not max_chars or len(doc.text) <= max_chars:
        return doc, 0, 0
    long = [(s, e) for s, e in split_sentences(doc.text, [(m.start, m.end) for m in doc.mentions]) if e - s > max_chars]
    if not long:
        return doc, 0, 0
    text = doc.text
    for s, e in long:
        text = text[:s] + "\n" * (e - s) + text[e:]
    kept = tuple(m for m in doc.mentions if not any(m.start < e and m.end > s for s, e in long))
    return replace(doc, text=text, mentions=kept), len(long), len(doc.mentions) - len(kept)


def pseudo_tag(
    docs: Iterable[Document | Deletion],
    tagger: Tagger,
    exclude: set[str] | frozenset[str] = frozenset(),
    max_docs: int = 0,
    stats: PseudoTagStats | None = None,
    batch_docs: int = 64,
    max_sentence_chars: int = MAX_SENTENCE_CHARS,
) -> Iterable[Document]:
    """``docs`` (not ``exclude``d, at most ``max_docs``) with the tagger's mentions in place of any they had, and
    their sentences over ``max_sentence_chars`` blanked (0 = keep all)."""
    _check_max_sentence_chars(max_sentence_chars)
    stats = stats if stats is not None else PseudoTagStats()
    bar = progress(total=max_docs or None, desc="pseudo-tag", unit="doc")

    for batch in document_batches(docs, exclude, max_docs, batch_docs, stats, bar):
        bare = [d.with_annotations((), ()) for d in batch]  # the teacher's mentions only
        for doc in tag_all(tagger, bare):
            doc, n_long, n_dropped = blank_long_sentences(replace(doc, source="pseudo-ner"), max_sentence_chars)
            stats.sentences_too_long += n_long
            stats.mentions_too_long += n_dropped
            if not doc.text.strip():
                stats.documents_blank += 1
                continue
            stats.documents_written += 1
            stats.mentions.update(m.kind for m in doc.mentions)
            yield doc
    bar.close()


def pseudo_tag_to_folder(
    inputs: Sequence[str | Path],
    output: str | Path,
    tagger: Tagger,
    exclude_splits: Sequence[str | Path] = (),
    max_docs: int = 0,
    settings: dict | None = None,
    max_sentence_chars: int = MAX_SENTENCE_CHARS,
) -> PseudoTagStats:
    """Read ``inputs``, tag them, write ``output/documents.jsonl`` (a `train-ner --extra-train` corpus) + reports."""
    from relnet.corpus import read_documents
    from relnet.mining.pipeline import read_inputs

    _check_max_sentence_chars(max_sentence_chars)
    exclude = {d.id for split in exclude_splits for d in read_documents(split)}
    out = Path(output)
    out.mkdir(parents=True, exist_ok=True)
    stats = PseudoTagStats()
    tagged = pseudo_tag(read_inputs(list(inputs), tagged=True), tagger, exclude, max_docs, stats,
                        max_sentence_chars=max_sentence_chars)  # fmt: skip
    write_documents_jsonl(tagged, out / DOCUMENTS_JSONL)
    settings = {"inputs": [str(i) for i in inputs], "exclude_splits": [str(s) for s in exclude_splits],
                "excluded_ids": len(exclude), "max_docs": max_docs, "max_sentence_chars": max_sentence_chars,
                **(settings or {})}  # fmt: skip
    (out / "pseudo.txt").write_text(stats.format() + "\n")
    write_text(out / "pseudo.json", json.dumps({"settings": settings, **stats.to_json()}, indent=2))  # "done"
    return stats
