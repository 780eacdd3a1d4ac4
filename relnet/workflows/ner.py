"""NER evaluation: run any tagger on a split's documents, then score its spans against the gold mentions.

What `relnet evaluate-ner`, NER training's dev evaluation and the mining benchmark run. Scoring is
`relnet.evaluation.spans` (strict and lenient span scores, error categories).
"""

from __future__ import annotations

import time
from pathlib import Path

from relnet.data import Document
from relnet.evaluation.spans import span_breakdown, span_scores, write_span_errors
from relnet.mentions import Tagger, tag_all
from relnet.schema import MERGE_GENES


def evaluate_tagger(
    tagger: Tagger, docs: list[Document], kind_of: dict[str, str] = MERGE_GENES, errors_path: str | Path | None = None
) -> dict:
    """Tag the documents' text (gold mentions removed) and score against the gold mentions.

    ``kind_of`` maps corpus types to the tagger's (GENE-Y/GENE-N → GENE unless the tagger keeps them).
    Adds ``errors`` (why strict matching failed, lenient scores) and ``speed`` to the per-type scores;
    ``errors_path``: every wrong or missed span in a TSV, with the spans it overlaps and its context.
    """
    gold = [(d.id, m.start, m.end, kind_of.get(m.subtype or m.kind, m.kind)) for d in docs for m in d.mentions]
    t0 = time.perf_counter()
    tagged = tag_all(tagger, [d.with_annotations((), ()) for d in docs])
    seconds = time.perf_counter() - t0
    predicted = [(d.id, m.start, m.end, kind_of.get(m.subtype or m.kind, m.kind)) for d in tagged for m in d.mentions]
    scores = span_scores(gold, predicted)
    scores["errors"] = span_breakdown(gold, predicted)
    scores["speed"] = {"seconds": seconds, "documents_per_second": len(docs) / max(seconds, 1e-9)}
    # scores before/after either differ
    scores["decoding"] = {
        "snap_words": getattr(tagger, "snap_words", False),
        "viterbi": getattr(tagger, "viterbi", False),
    }
    if errors_path:
        write_span_errors(errors_path, docs, gold, predicted)
    return scores
