"""NER evaluation: any tagger on a split's documents → strict span-level scores per type."""

from __future__ import annotations

import time

from relnet.data import Document
from relnet.evaluation.spans import span_errors, span_scores
from relnet.mentions import Tagger, tag_all

MERGE_GENES = {"GENE-Y": "GENE", "GENE-N": "GENE", "GENE": "GENE"}


def evaluate_tagger(tagger: Tagger, docs: list[Document], kind_of: dict[str, str] = MERGE_GENES) -> dict:
    """Tag the documents' text (gold mentions removed) and score against the gold mentions.

    ``kind_of`` maps corpus types to the tagger's (GENE-Y/GENE-N → GENE unless the tagger keeps them).
    Adds ``errors`` (why strict matching failed, lenient scores) and ``speed`` to the per-type scores.
    """
    gold = [(d.id, m.start, m.end, kind_of.get(m.subtype or m.kind, m.kind)) for d in docs for m in d.mentions]
    t0 = time.perf_counter()
    tagged = tag_all(tagger, [d.with_annotations((), ()) for d in docs])
    seconds = time.perf_counter() - t0
    predicted = [(d.id, m.start, m.end, kind_of.get(m.subtype or m.kind, m.kind)) for d in tagged for m in d.mentions]
    scores = span_scores(gold, predicted)
    scores["errors"] = span_errors(gold, predicted)
    scores["speed"] = {"seconds": seconds, "documents_per_second": len(docs) / max(seconds, 1e-9)}
    return scores
