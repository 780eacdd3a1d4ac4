"""Sentence templates with entity slots, and filling them into a one-sentence `Document`.

Where it sits: `seed.py` (hand-written phrases) and `realistic.py` (contexts learned from the training
split) both produce `Template`s; `generate.py` fills them with names from `lexicon.py` and hands the
resulting `Document`s (exact mention offsets, one gold `Relation`) to the rest of relnet unchanged.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from relnet.data import CHEMICAL, GENE, Document, Mention, Relation
from relnet.schema import TYPE_TO_GROUP
from relnet.synth.lexicon import Lexicon

FOCAL = "focal"  # one of the two mentions of the generated pair
DISTRACTOR = "distractor"  # another annotated mention, unrelated to the pair (a negative pair under ``cpr``)
PLAIN = "plain"  # a name written as plain text, without a mention (it took part in another relation)
_ARTICLE = re.compile(r"\b([Aa])n? $")


@dataclass(frozen=True)
class Slot:
    """A place for an entity name. ``abbreviates``: this slot is the ``(short form)`` of the slot before it."""

    role: str  # FOCAL | DISTRACTOR | PLAIN
    kind: str  # CHEMICAL | GENE
    abbreviates: bool = False
    shape: str = ""  # `lexicon.shape_of` the name it replaced; "" for any name


@dataclass(frozen=True)
class Template:
    """A sentence as text pieces and slots: exactly two FOCAL slots, one CHEMICAL and one GENE.

    ``rtype`` is the ChemProt relation type of the focal pair ("" for an unannotated pair);
    ``label`` the class it stands for under the scheme it was made for; ``origin`` says where the
    template came from (``seed``, or ``PMID:sentence offset:Tn-Tm`` for a real training pair).
    """

    label: str
    rtype: str
    evaluated: bool
    pieces: tuple[str | Slot, ...]
    origin: str = "seed"

    @property
    def n_tokens(self) -> int:
        """Length in white-space tokens, each slot counting as one token."""
        return sum(1 if isinstance(p, Slot) else len(p.split()) for p in self.pieces)

    def slots(self) -> list[Slot]:
        return [p for p in self.pieces if isinstance(p, Slot)]


def check_template(t: Template) -> None:
    focal = [s.kind for s in t.slots() if s.role == FOCAL]
    if sorted(focal) != [CHEMICAL, GENE]:
        raise ValueError(f"template {t.origin} needs one CHEMICAL and one GENE focal slot, has {focal}")


def _names(t: Template, lexicon: Lexicon, rng: random.Random) -> list[tuple[str, str]]:
    """One (name, subtype) per slot, distinct within the sentence; abbreviation slots get a real pair."""
    slots = t.slots()
    names: list[tuple[str, str]] = []
    used: set[str] = set()
    pools = {(s.kind, s.shape): lexicon.pool(s.kind, s.shape) for s in slots}
    for i, slot in enumerate(slots):
        if slot.abbreviates and i > 0 and slots[i - 1].kind == slot.kind and lexicon.abbreviations.get(slot.kind):
            long, short, subtype = rng.choice(lexicon.abbreviations[slot.kind])
            used.discard(names[-1][0])
            names[-1] = (long, subtype)
            names.append((short, subtype))
            used.update((long, short))
            continue
        for _ in range(10):  # a repeated name would make the pair ambiguous
            name, subtype = rng.choice(pools[slot.kind, slot.shape])
            if name not in used:
                break
        used.add(name)
        names.append((name, subtype))
    return names


def fill(
    t: Template, lexicon: Lexicon, rng: random.Random, doc_id: str, source: str, mark_distractors: bool = True
) -> Document:
    """Fill a template into a one-sentence document: mentions at exact offsets, one relation for the pair.

    ``mark_distractors=False`` writes distractor names as plain text (no mention, so no extra pair).
    """
    names = iter(_names(t, lexicon, rng))
    parts: list[str] = []
    length = 0
    mentions: list[Mention] = []
    focal: dict[str, str] = {}
    for piece in t.pieces:
        if isinstance(piece, str):
            parts.append(piece)
            length += len(piece)
            continue
        name, subtype = next(names)
        if length == 0 and name[:2].islower():  # sentence-initial "aspirin" → "Aspirin", as the corpus writes it
            name = name[0].upper() + name[1:]
        if parts and _ARTICLE.search(parts[-1]):  # "a"/"an" before the new name; no mention lies in between
            fixed = _ARTICLE.sub(r"\1n " if name[:1].lower() in "aeiou" else r"\1 ", parts[-1])
            length += len(fixed) - len(parts[-1])
            parts[-1] = fixed
        if piece.role == FOCAL or (piece.role == DISTRACTOR and mark_distractors):
            mid = f"T{len(mentions) + 1}"
            mentions.append(Mention(mid, length, length + len(name), name, piece.kind, subtype))
            if piece.role == FOCAL:
                focal[piece.kind] = mid
        parts.append(name)
        length += len(name)
    relations = ()
    if t.rtype:
        group = TYPE_TO_GROUP[t.rtype]
        relations = (Relation(doc_id, focal[CHEMICAL], focal[GENE], t.rtype, group, t.evaluated),)
    return Document(id=doc_id, text="".join(parts), mentions=tuple(mentions), relations=relations, source=source)
