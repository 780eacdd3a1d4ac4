"""Entity names of the training split → the names artificial sentences are filled with.

Where it sits: built once from the training `Document`s (never from dev/test) by `generate.py`;
`templates.fill` draws from it. ``holdout_fraction`` keeps a share of the names (grouped
case-insensitively) out of every generated sentence, so a model trained on the artificial corpus
cannot memorise them; the held-out names are returned for the output's metadata.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from relnet.data import CHEMICAL, GENE, Document
from relnet.errors import RelnetError

KINDS = (CHEMICAL, GENE)
MAX_NAME_CHARS = 60


@dataclass(frozen=True)
class Lexicon:
    """Names per kind as ``(name, subtype)``, abbreviation pairs ``(long, short, subtype)``, held-out names."""

    names: dict[str, tuple[tuple[str, str], ...]]
    abbreviations: dict[str, tuple[tuple[str, str, str], ...]]
    held_out: dict[str, tuple[str, ...]]
    shaped: dict[tuple[str, str], tuple[tuple[str, str], ...]] = field(default_factory=dict, compare=False)

    def pool(self, kind: str, shape: str = "") -> tuple[tuple[str, str], ...]:
        """The names of a kind, restricted to one `shape` where any have it."""
        if not shape:
            return self.names[kind]
        if (kind, shape) not in self.shaped:  # a cache: built once per kind and shape
            self.shaped[kind, shape] = tuple(n for n in self.names[kind] if shape_of(n[0]) == shape)
        return self.shaped[kind, shape] or self.names[kind]


def shape_of(name: str) -> str:
    """A coarse surface class, so a slot gets a name like the one it replaced: ``short`` (≤ 4 characters,
    one token: residues, ions, "Ser" in "Ser473"), else the token count ``1w``, ``2w``, ``3w`` (3 or more)."""
    if len(name) <= 4 and " " not in name:
        return "short"
    return f"{min(len(name.split()), 3)}w"


def _usable(name: str) -> bool:
    return 0 < len(name) <= MAX_NAME_CHARS and not any(c in name for c in "\t\n<>[]")


def _abbreviation_pairs(doc: Document) -> list[tuple[str, str, str, str]]:
    """``long (short)`` written as two mentions of one kind: ``(kind, long, short, subtype)``."""
    ms = sorted(doc.mentions, key=lambda m: (m.start, -m.end))
    out = []
    for a, b in zip(ms, ms[1:]):
        if a.kind == b.kind and doc.text[a.end : b.start] == " (" and doc.text[b.end : b.end + 1] == ")":
            if len(b.text) < len(a.text):
                out.append((a.kind, a.text, b.text, a.subtype))
    return out


def build_lexicon(docs: Sequence[Document], holdout_fraction: float = 0.0, seed: int = 0) -> Lexicon:
    """Collect names per kind (subtype: the most frequent one for that name), then hold out a fraction."""
    if not 0.0 <= holdout_fraction < 1.0:
        raise RelnetError(f"holdout_fraction must be in [0, 1), got {holdout_fraction}")
    subtypes: dict[str, Counter[tuple[str, str]]] = {k: Counter() for k in KINDS}
    pairs: set[tuple[str, str, str, str]] = set()
    for doc in docs:
        for m in doc.mentions:
            if m.kind in subtypes and _usable(m.text):
                subtypes[m.kind][(m.text, m.subtype)] += 1
        pairs.update(p for p in _abbreviation_pairs(doc) if _usable(p[1]) and _usable(p[2]))
    names: dict[str, tuple[tuple[str, str], ...]] = {}
    held: dict[str, tuple[str, ...]] = {}
    rng = random.Random(f"holdout-{seed}")
    for kind in KINDS:
        best: dict[str, str] = {}
        for (name, subtype), _ in sorted(subtypes[kind].items(), key=lambda kv: (-kv[1], kv[0])):
            best.setdefault(name, subtype)
        groups = sorted({n.lower() for n in best})
        rng.shuffle(groups)
        out = set(groups[: round(holdout_fraction * len(groups))])
        names[kind] = tuple(sorted((n, s) for n, s in best.items() if n.lower() not in out))
        held[kind] = tuple(sorted(n for n in best if n.lower() in out))
        if not names[kind]:
            raise RelnetError(f"no {kind} names left to fill sentences with; lower --holdout-fraction")
    held_lower = {n.lower() for ns in held.values() for n in ns}
    abbreviations = {
        kind: tuple(
            sorted(
                (long, short, sub)
                for k, long, short, sub in pairs
                if k == kind and long.lower() not in held_lower and short.lower() not in held_lower
            )
        )
        for kind in KINDS
    }
    return Lexicon(names=names, abbreviations=abbreviations, held_out=held)
