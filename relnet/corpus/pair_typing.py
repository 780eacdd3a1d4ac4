"""Which mention of an untyped chemical–gene pair is the chemical (for the SciBERT release's jsonl).

The SciBERT ChemProt release marks a pair's first mention ``<< >>`` and the second ``[[ ]]``; every pair is a
chemical–gene pair, but the markers do not say which is which. `PairTyper` decides, trying in order:

- ``gold``: the sentence found in an original-layout split the caller gives (`GoldTypes`); the corpus's own
  entity types at the two spans. Only for evaluating the other strategies, or when the user has that release.
- ``lexicon``: the names of the ChemProt *training* split with their CHEMICAL/GENE counts (`EntityLexicon`).
- ``ngram``: for names the lexicon lacks, character n-gram and word log-odds learned from the same names.
- ``surface``: a few hand-written cues (``…ase``, ``receptor``, ``-ine``), needing no data.

Measured on dev.jsonl against the original development split (``scripts/scibert_typing.py``): of 2,427
pairs, lexicon then n-grams type 2,400 right, 27 wrong, none undecided; n-grams alone 2,378 right; the
lexicon alone leaves 500 undecided; surface cues alone 1,813 right, 226 wrong.
A pair none of the strategies can decide keeps the untyped kind ``ENTITY``.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from relnet.data import CHEMICAL, GENE, Document, Span
from relnet.errors import RelnetError

STRATEGIES = ("gold", "lexicon", "ngram", "surface")
UNTYPED = "ENTITY"


def normalise(name: str) -> str:
    return " ".join(name.casefold().split())


def _grams(name: str) -> list[str]:
    s = f"^{normalise(name)}$"
    return [s[i : i + k] for k in (2, 3, 4, 5) for i in range(len(s) - k + 1)] + [f"w:{w}" for w in s[1:-1].split()]


@dataclass
class EntityLexicon:
    """Entity names (normalised) → how often each was annotated CHEMICAL and GENE."""

    counts: dict[str, Counter[str]]
    gram_logodds: dict[str, float] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # Naive-Bayes-style log-odds per n-gram, one count per (name, kind): frequent names do not dominate.
        grams: dict[str, Counter[str]] = {CHEMICAL: Counter(), GENE: Counter()}
        for name, kinds in self.counts.items():
            for kind in kinds:
                grams[kind].update(_grams(name))
        vocab = set(grams[CHEMICAL]) | set(grams[GENE])
        tc, tg = sum(grams[CHEMICAL].values()) + len(vocab), sum(grams[GENE].values()) + len(vocab)
        self.gram_logodds = {
            g: math.log((grams[CHEMICAL][g] + 1) / tc) - math.log((grams[GENE][g] + 1) / tg) for g in vocab
        }

    @classmethod
    def from_names(cls, names: Iterable[tuple[str, str]]) -> EntityLexicon:
        """From ``(name, CHEMICAL|GENE)`` pairs, one per annotated mention."""
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        for name, kind in names:
            if kind in (CHEMICAL, GENE):
                counts[normalise(name)][kind] += 1
        return cls(dict(counts))

    @classmethod
    def from_documents(cls, docs: Iterable[Document]) -> EntityLexicon:
        return cls.from_names((m.text, m.kind) for d in docs for m in d.mentions)

    def lexicon_score(self, name: str) -> float | None:
        """In [-1, 1]: +1 always annotated CHEMICAL, -1 always GENE; None for an unseen name."""
        c = self.counts.get(normalise(name))
        if not c:
            return None
        return (c[CHEMICAL] - c[GENE]) / (c[CHEMICAL] + c[GENE])

    def ngram_score(self, name: str) -> float | None:
        """Mean log-odds (chemical vs gene) of the name's known n-grams; None when none is known."""
        odds = [self.gram_logodds[g] for g in _grams(name) if g in self.gram_logodds]
        return sum(odds) / len(odds) if odds else None


@lru_cache(maxsize=4)
def load_lexicon(split: str) -> EntityLexicon:
    """The lexicon of a ChemProt/DrugProt split folder (use the TRAINING split; cached per path)."""
    from relnet.corpus import read_documents

    return EntityLexicon.from_documents(read_documents(split))


_GENE_CUE = re.compile(
    r"receptor|kinase|ases?\b|protein|factor|channel|transporter|enzyme|cytochrome|hormone|antibod|subunit|"
    r"isoform|synthase|\bcyp\d|\bp\d\d\b",
    re.IGNORECASE,
)
_GENE_SYMBOL = re.compile(r"[A-Z0-9][A-Z0-9-]*\d[A-Z0-9-]*|[A-Z]{2,6}\d*[a-z]?")
_CHEM_SUFFIX = re.compile(r"(ine|ol|ide|ate|one|ane|ene|il|an|ium|yl|ic acid|in)s?$", re.IGNORECASE)


def surface_score(name: str) -> float:
    """Hand-written cues: > 0 looks like a chemical, < 0 like a gene, 0 no cue."""
    score = 0.0
    if _GENE_CUE.search(name):
        score -= 2
    if _GENE_SYMBOL.fullmatch(name):
        score -= 1
    if _CHEM_SUFFIX.search(name):
        score += 1.5 if name[:1].islower() else 0.5
    if re.search(r"\d,\d|\(\d|-\d-", name):  # locants: 2,4-…, (5)…, 1-…-3-
        score += 0.5
    return score


def _compare(a: float | None, b: float | None) -> bool | None:
    """Is the first mention the chemical, given each one's chemical score (None: no evidence)?"""
    if a is None and b is None:
        return None
    if a is not None and b is not None:
        return None if a == b else a > b
    known, first = (a, True) if a is not None else (b, False)
    if known == 0:
        return None
    return (known > 0) == first


class GoldTypes:
    """The entity types of an original-layout split at the spans of a sentence found in its text."""

    def __init__(self, docs: Iterable[Document]) -> None:
        self.text_parts: list[str] = []
        self.kinds: dict[tuple[int, int], set[str]] = defaultdict(set)
        offset = 0
        for doc in docs:
            self.text_parts.append(doc.text.replace("\t", " "))  # releases join title and abstract by a space
            for m in doc.mentions:
                self.kinds[(offset + m.start, offset + m.end)].add(m.kind)
            offset += len(doc.text) + 1
        self.text = "\0".join(self.text_parts)

    def first_is_chemical(self, sentence: str, first: Span, second: Span) -> bool | None:
        answers: set[bool] = set()
        i = self.text.find(sentence)
        while i >= 0:
            a = self.kinds.get((i + first.start, i + first.end), set())
            b = self.kinds.get((i + second.start, i + second.end), set())
            if CHEMICAL in a and GENE in b:
                answers.add(True)
            if GENE in a and CHEMICAL in b:
                answers.add(False)
            i = self.text.find(sentence, i + 1)
        return answers.pop() if len(answers) == 1 else None


@dataclass
class PairTyper:
    """Decides which of two mentions in a sentence is the chemical, by the first strategy that can."""

    lexicon: EntityLexicon | None = None
    gold: GoldTypes | None = None
    strategies: tuple[str, ...] = STRATEGIES

    def first_is_chemical(self, sentence: str, first: Span, second: Span) -> tuple[bool | None, str]:
        """(True if ``first`` is the chemical, False if ``second`` is, None if undecided; the deciding strategy)."""
        for strategy in self.strategies:
            answer = self.decide(strategy, sentence, first, second)
            if answer is not None:
                return answer, strategy
        return None, ""

    def decide(self, strategy: str, sentence: str, first: Span, second: Span) -> bool | None:
        """One strategy's answer (None: it cannot tell, or lacks its data)."""
        a, b = sentence[first.start : first.end], sentence[second.start : second.end]
        if strategy == "gold":
            return self.gold.first_is_chemical(sentence, first, second) if self.gold else None
        if strategy == "surface":
            return _compare(surface_score(a), surface_score(b))
        if strategy not in ("lexicon", "ngram"):
            raise RelnetError(f"unknown typing strategy {strategy!r}; choose from {', '.join(STRATEGIES)}")
        if self.lexicon is None:
            return None
        name_score = self.lexicon.lexicon_score if strategy == "lexicon" else self.lexicon.ngram_score
        return _compare(name_score(a), name_score(b))


def default_training_split(near: str | Path) -> Path | None:
    """The ChemProt training split beside a SciBERT file (``chemprot/scibert/x.jsonl`` →
    ``chemprot/original/training``), else at ``../shared/data``; None when neither exists."""
    near = Path(near).resolve()
    for candidate in (near.parent.parent / "original" / "training", Path("../shared/data/chemprot/original/training")):
        if any(candidate.glob("*entities*.tsv")):
            return candidate
    return None
