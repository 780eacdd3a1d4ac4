"""Templates learned from the training split: real sentences of annotated pairs, entities replaced by slots.

Where it sits: a template source for `generate.py`, like `seed.py`. For every candidate pair of a
training `Document` (`relnet.examples.candidates.make_examples`, sentence-level), the pair's sentence
becomes a `Template`: the two mentions become focal slots, and the words between and around them stay
as written (trigger verbs and nominalisations, either argument order, passive voice, hedges, negation,
``name (abbreviation)``). The other mentions of the sentence become slots too: distractors (still
annotated, so they form negative pairs under ``cpr``) when they take part in no relation in that
sentence, plain names otherwise, so a generated sentence never carries an unannotated real relation.
Each slot gets a name shaped like the one it replaces (a residue glued to its position, "Ser473", gets
a short name). Templates are drawn so that sentence lengths follow the real distribution in every class.
"""

from __future__ import annotations

import bisect
import math
import random
import re
from collections import Counter
from collections.abc import Sequence

from relnet.data import Document, Mention
from relnet.errors import RelnetError
from relnet.examples.candidates import make_examples
from relnet.examples.labels import LabelScheme
from relnet.synth.lexicon import shape_of
from relnet.synth.templates import DISTRACTOR, FOCAL, PLAIN, Slot, Template

BIN_TOKENS = 5  # sentence lengths are matched in bins of this many tokens
MAX_BIN = 16  # 80 tokens and longer share a bin


def _bin(n_tokens: int) -> int:
    return min(n_tokens // BIN_TOKENS, MAX_BIN)


def _accept(spans: list[Mention], m: Mention) -> bool:
    return all(m.end <= a.start or a.end <= m.start for a in spans)


def templates_from_document(doc: Document, scheme: LabelScheme) -> list[Template]:
    """One template per sentence-level candidate pair whose labels agree (pairs with two classes are skipped)."""
    labels: dict[tuple[str, str], set[str]] = {}
    windows: dict[tuple[str, str], tuple[int, int]] = {}
    for e in make_examples(doc, scheme, with_cross_sentence=False):
        labels.setdefault((e.head_id, e.tail_id), set()).add(e.label)
        windows[(e.head_id, e.tail_id)] = (e.offset, e.offset + len(e.text))
    index = doc.mention_index()
    out = []
    for pair, pair_labels in labels.items():
        if len(pair_labels) != 1:
            continue
        label = next(iter(pair_labels))
        s, e = windows[pair]
        chem, gene = index[pair[0]], index[pair[1]]
        if not _accept([chem], gene):
            continue  # nested chemical and gene ("IL-2" in "IL-2 receptor"): no clean slots
        inside = {m.id for m in doc.mentions if s <= m.start and m.end <= e}
        related = {a for r in doc.relations if {r.arg1, r.arg2} <= inside and (r.arg1, r.arg2) != pair
                   for a in (r.arg1, r.arg2)}  # fmt: skip
        others = sorted((index[i] for i in inside - set(pair)), key=lambda m: (m.start - m.end, m.start, m.id))
        spans = [chem, gene]
        for m in others:
            if _accept(spans, m):
                spans.append(m)
        rel = next((r for r in doc.relations if (r.arg1, r.arg2) == pair and scheme.label_of(r) == label), None)
        if rel is None and label == scheme.negative:  # a relation the scheme does not evaluate (NOT, CPR:2, …)
            rel = next((r for r in doc.relations if (r.arg1, r.arg2) == pair and scheme.label_of(r) is None), None)
        pieces: list[str | Slot] = []
        cursor, prev = s, None
        for m in sorted(spans, key=lambda m: m.start):
            between = doc.text[cursor : m.start]
            role = FOCAL if m.id in pair else PLAIN if m.id in related else DISTRACTOR
            abbreviates = (
                prev is not None and prev.kind == m.kind and between == " (" and doc.text[m.end : m.end + 1] == ")"
            )
            if between:
                pieces.append(between)
            glued = doc.text[m.start - 1 : m.start].isalnum() or doc.text[m.end : m.end + 1].isalnum()
            pieces.append(Slot(role, m.kind, abbreviates, "short" if glued else shape_of(m.text)))
            cursor, prev = m.end, m
        if doc.text[cursor:e]:
            pieces.append(doc.text[cursor:e])
        rtype, evaluated = (rel.label, rel.evaluated) if rel else ("", False)
        out.append(Template(label, rtype, evaluated, tuple(pieces), f"{doc.id}:{s}:{chem.id}-{gene.id}"))
    return out


class RealisticSource:
    """Draws templates of a class with a sentence length sampled from the real distribution."""

    family = "realistic"

    def __init__(self, docs: Sequence[Document], scheme: LabelScheme) -> None:
        self.scheme = scheme
        self.templates = [t for doc in docs for t in templates_from_document(doc, scheme)]
        self.lengths = sorted(_bin(t.n_tokens) for t in self.templates)
        self.by_bin: dict[str, dict[int, list[Template]]] = {label: {} for label in scheme.labels}
        for t in self.templates:
            self.by_bin[t.label].setdefault(_bin(t.n_tokens), []).append(t)
        missing = [label for label, bins in self.by_bin.items() if not bins]
        if missing:
            raise RelnetError(
                f"the training split has no sentence-level pairs of {', '.join(missing)} under scheme "
                f"{scheme.name}: nothing to learn templates from; use --family seed or another scheme"
            )
        self.bins = {label: sorted(bins) for label, bins in self.by_bin.items()}

    def draw(self, label: str, rng: random.Random) -> Template:
        target = self.lengths[rng.randrange(len(self.lengths))]
        bins = self.bins[label]
        i = bisect.bisect_left(bins, target)
        near = min(bins[max(i - 1, 0) : i + 1], key=lambda b: (abs(b - target), b))
        return rng.choice(self.by_bin[label][near])


_WORD = re.compile(r"[a-z][a-z-]{2,}")


def trigger_words(templates: Sequence[Template], k: int = 8, min_count: int = 3) -> dict[str, list[str]]:
    """The words between the two focal slots most typical of each class (count-weighted log-odds)."""
    counts: dict[str, Counter[str]] = {}
    for t in templates:
        idx = [i for i, p in enumerate(t.pieces) if isinstance(p, Slot) and p.role == FOCAL]
        between = " ".join(p for p in t.pieces[idx[0] + 1 : idx[1]] if isinstance(p, str)).lower()
        counts.setdefault(t.label, Counter()).update(_WORD.findall(between))
    total = sum(counts.values(), Counter())
    n_all = sum(total.values()) or 1
    out = {}
    for label, c in sorted(counts.items()):
        n = sum(c.values()) or 1
        score = {w: x * math.log(((x + 1) / n) / ((total[w] + 1) / n_all)) for w, x in c.items() if x >= min_count}
        out[label] = sorted(score, key=lambda w: (-score[w], w))[:k]
    return out
