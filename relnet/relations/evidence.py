"""Predicted `Relation`s → `Evidence`: a relation with its two entities and the sentence it was read from.

`Evidence` is what the network is built from, whether it comes out of the store
(`RelationStore.evidence`) or straight from documents in memory (`evidence_of`).
"""

from __future__ import annotations

from dataclasses import dataclass

from relnet.data import Document, Relation
from relnet.mentions.normalize import EntityRef, Normalizer, SurfaceNormalizer
from relnet.relations.extract import evidence_windows


@dataclass(frozen=True)
class Evidence:
    """One relation in one sentence; spans are offsets into ``sentence``."""

    doc_id: str
    label: str
    group: str
    score: float | None
    head: EntityRef  # the chemical
    tail: EntityRef  # the gene
    sentence: str
    head_span: tuple[int, int]
    tail_span: tuple[int, int]
    model_id: str = ""


def evidence_of(
    doc: Document, relations: list[Relation] | tuple[Relation, ...], normalizer: Normalizer | None = None
) -> list[Evidence]:
    """The evidence of ``relations`` (which point at ``doc``'s mentions)."""
    normalizer = normalizer or SurfaceNormalizer()
    mentions = doc.mention_index()
    out = []
    for r, (s, e) in zip(relations, evidence_windows(doc, relations)):
        h, t = mentions[r.arg1], mentions[r.arg2]
        out.append(
            Evidence(
                doc.id, r.label, r.group, r.score, normalizer.normalize(h, doc), normalizer.normalize(t, doc),
                doc.text[s:e], (h.start - s, h.end - s), (t.start - s, t.end - s),
            )
        )  # fmt: skip
    return out
