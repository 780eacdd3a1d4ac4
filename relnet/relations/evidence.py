"""Predicted `Relation`s → `Evidence`: a relation with its two entities and the sentence it was read from.

`Evidence` (in `relnet.data`) is what the network is built from, whether it comes out of the store
(`RelationStore.evidence`) or straight from documents in memory (`evidence_of`). Torch-free: the store and the
network import this module.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from relnet.data import Document, Evidence, Relation, Span
from relnet.examples.candidates import document_sentences
from relnet.mentions.normalize import Normalizer, SurfaceNormalizer

__all__ = ["Evidence", "evidence_of", "evidence_windows"]


def evidence_windows(doc: Document, relations: Sequence[Relation]) -> list[tuple[int, int]]:
    """For each relation, the document span of the sentence(s) holding both its mentions."""
    sentences = document_sentences(doc)
    starts = [s for s, _ in sentences]
    mentions = doc.mention_index()

    def sentence_of(mention_id: str) -> int:
        return max(0, bisect.bisect_right(starts, mentions[mention_id].start) - 1)

    windows = []
    for r in relations:
        i, j = sorted((sentence_of(r.arg1), sentence_of(r.arg2)))
        windows.append((sentences[i][0], sentences[j][1]))
    return windows


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
                doc.text[s:e], Span(h.start - s, h.end - s), Span(t.start - s, t.end - s), sentence_start=s,
            )
        )  # fmt: skip
    return out
