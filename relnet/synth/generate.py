"""Training split → artificial corpus: class-balanced one-sentence `Document`s from a template family.

Where it sits: the entry point of `relnet.synth`. It reads the training folder only (never a
development or test split), builds the name lexicon and a template source (`seed` or `realistic`),
and fills templates until every class of the scheme has its quota of examples, counted exactly as
`relnet.examples.candidates.make_examples` will count them (so distractor pairs under ``cpr`` count
towards ``false``). Same config and seed → the same documents, byte for byte.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from relnet.corpus import find_chemprot_files, read_documents
from relnet.data import Document
from relnet.errors import InputError, RelnetError
from relnet.examples.candidates import make_examples
from relnet.examples.labels import LabelScheme, get_scheme
from relnet.synth.lexicon import Lexicon, build_lexicon
from relnet.synth.realistic import RealisticSource, templates_from_document, trigger_words
from relnet.synth.seed import SeedSource
from relnet.synth.templates import Template, check_template, fill

FAMILIES = ("seed", "realistic")
BALANCES = ("uniform", "train")
MAX_TRIES = 50


@dataclass(frozen=True)
class SynthConfig:
    """What to generate. Checks itself; error messages say which option to change."""

    train: str = field(metadata={"help": "the ChemProt (or DrugProt) TRAINING split folder"})
    family: str = field(default="seed", metadata={"help": "seed | realistic"})
    scheme: str = field(default="coarse5", metadata={"help": "cpr | fine | coarse5"})
    per_class: int = field(default=10_000, metadata={"help": "examples per class (the mean, for balance=train)"})
    seed: int = field(default=13, metadata={"help": "random seed; same seed → same corpus"})
    holdout_fraction: float = field(default=0.0, metadata={"help": "share of entity names never used"})
    balance: str = field(default="uniform", metadata={"help": "uniform | train (the training split's proportions)"})
    distractor_share: float = field(
        default=0.5, metadata={"help": "cpr: max share of `false` that are distractor pairs in positive sentences"}
    )

    def __post_init__(self) -> None:
        if self.family not in FAMILIES:
            raise RelnetError(f"unknown family {self.family!r}; choose one of {', '.join(FAMILIES)}")
        if self.balance not in BALANCES:
            raise RelnetError(f"unknown balance {self.balance!r}; choose one of {', '.join(BALANCES)}")
        if self.per_class < 1:
            raise RelnetError(f"per_class must be at least 1, got {self.per_class}")
        if not 0.0 <= self.distractor_share <= 1.0:
            raise RelnetError(f"distractor_share must be in [0, 1], got {self.distractor_share}")
        get_scheme(self.scheme)


@dataclass(frozen=True)
class SynthCorpus:
    """The generated documents and what describes them (``stats``: counts per class, held-out names, …)."""

    documents: list[Document]
    stats: dict[str, Any]


def read_training(train: str | Path) -> list[Document]:
    """Read the training split, refusing folders whose files name another split."""
    path = Path(train)
    if path.is_dir() and any(path.glob("*abstracts*.tsv")):
        names = [find_chemprot_files(path).abstracts.name]
    else:
        names = [p.name for p in sorted(path.glob("*.tsv"))] if path.is_dir() else []
    words = {w for name in names for w in re.split(r"[^a-z]+", name.lower())}
    if words & {"dev", "development", "test"}:
        raise InputError(path, None, "artificial corpora learn from the training split only; pass the training folder")
    return read_documents(path)


def class_targets(scheme: LabelScheme, per_class: int, balance: str, docs: list[Document]) -> dict[str, int]:
    """Examples to generate per class: ``per_class`` each, or the training proportions at the same total."""
    if balance == "uniform":
        return dict.fromkeys(scheme.labels, per_class)
    real = Counter(e.label for doc in docs for e in make_examples(doc, scheme))
    total = sum(real[label] for label in scheme.labels)
    if not total:
        raise RelnetError("balance=train needs labelled pairs in the training split; use balance=uniform")
    n = per_class * len(scheme.labels)
    return {label: max(1, round(n * real[label] / total)) for label in scheme.labels}


def _source(config: SynthConfig, docs: list[Document], scheme: LabelScheme) -> SeedSource | RealisticSource:
    return SeedSource(scheme) if config.family == "seed" else RealisticSource(docs, scheme)


def _make_doc(
    t: Template, lexicon: Lexicon, rng: random.Random, doc_id: str, family: str, scheme: LabelScheme, marked: bool
) -> tuple[Document, Counter[str]] | None:
    """Fill ``t``; ``None`` if the document would not give exactly one example of ``t.label`` for its pair."""
    doc = fill(t, lexicon, rng, doc_id, f"synth:{family}:{t.origin}", mark_distractors=marked)
    examples = make_examples(doc, scheme)
    focal = [e for e in examples if e.label == t.label and not e.meta.get("cross_sentence")]
    others = [e for e in examples if e not in focal]
    if len(focal) < 1 or any(e.label != scheme.negative for e in others):
        return None
    if t.label != scheme.negative and len(focal) != 1:
        return None
    return doc, Counter(e.label for e in examples)


def generate_corpus(config: SynthConfig) -> SynthCorpus:
    """Generate the corpus described by ``config`` from its training folder."""
    scheme = get_scheme(config.scheme)
    docs = read_training(config.train)
    lexicon = build_lexicon(docs, config.holdout_fraction, config.seed)
    source = _source(config, docs, scheme)
    targets = class_targets(scheme, config.per_class, config.balance, docs)
    rng = random.Random(config.seed)
    neg = scheme.negative
    distractor_budget = round(config.distractor_share * targets.get(neg, 0)) if neg else 0
    counts: Counter[str] = Counter()
    types: Counter[str] = Counter()
    out: list[Document] = []
    order = [*scheme.positive, *([neg] if neg else [])]  # positives first: their distractor pairs count as `false`
    while any(counts[c] < targets[c] for c in order):
        for label in order:
            if counts[label] >= targets[label]:
                continue
            doc_id = f"synth-{config.family}-{len(out):07d}"
            for _ in range(MAX_TRIES):
                t = source.draw(label, rng)
                check_template(t)
                made = _make_doc(t, lexicon, rng, doc_id, config.family, scheme, marked=True)
                room = targets[neg] - counts[neg] if neg else 0
                room = room if label == neg else min(room, distractor_budget)
                if made and neg and made[1][neg] > room:  # no room for its distractor pairs: write them plain
                    made = _make_doc(t, lexicon, rng, doc_id, config.family, scheme, marked=False)
                if made:
                    break
            else:
                raise RelnetError(f"could not generate a valid {label} sentence in {MAX_TRIES} tries ({t.origin})")
            assert made is not None  # the loop above only breaks on success
            doc, got = made
            if neg and label != neg:
                distractor_budget -= got[neg]
            counts.update(got)
            types[doc.relations[0].label if doc.relations else "(none)"] += 1
            out.append(doc)
    stats: dict[str, Any] = {
        "config": asdict(config),
        "documents": len(out),
        "classes": {label: counts[label] for label in scheme.labels},
        "relation_types": dict(sorted(types.items())),  # documents per relation type of their pair
        "held_out": {kind: list(names) for kind, names in lexicon.held_out.items()},
    }
    if config.family == "realistic":
        templates = source.templates if isinstance(source, RealisticSource) else []
        stats["templates"] = dict(sorted(Counter(t.label for t in templates).items()))
        stats["triggers"] = trigger_words(templates)
    return SynthCorpus(out, stats)


__all__ = ["SynthConfig", "SynthCorpus", "class_targets", "generate_corpus", "read_training", "templates_from_document"]
