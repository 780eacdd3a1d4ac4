"""NER evaluation: any tagger on a split's documents → strict span-level scores per type."""

from __future__ import annotations

import csv
import time
from pathlib import Path

from relnet.data import Document
from relnet.errors import RelnetError
from relnet.evaluation.spans import Span, classify_spans, span_breakdown, span_scores
from relnet.mentions import Tagger, tag_all

MERGE_GENES = {"GENE-Y": "GENE", "GENE-N": "GENE", "GENE": "GENE"}


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
    scores["decoding"] = {"snap_words": getattr(tagger, "snap_words", False)}  # scores before/after differ
    if errors_path:
        write_errors(errors_path, docs, gold, predicted)
    return scores


def write_errors(path: str | Path, docs: list[Document], gold: list[Span], predicted: list[Span]) -> int:
    """One TSV row per non-exact prediction and missed gold span (the material of an error analysis)."""
    text = {d.id: d.text for d in docs}
    rows = sorted((r for r in classify_spans(gold, predicted) if r[0] != "exact"), key=lambda r: (r[1][0], r[1][1]))
    try:
        f = open(path, "w", newline="", encoding="utf-8")
    except OSError as err:
        raise RelnetError(f"{path}: cannot write the error list ({err.strerror})") from err
    with f:
        out = csv.writer(f, delimiter="\t", lineterminator="\n")
        out.writerow(["doc_id", "category", "side", "type", "start", "end", "text", "overlaps", "context"])
        for category, (doc, a, b, kind), hits in rows:
            t = text[doc]
            overlaps = " | ".join(f"{h[3]}:{t[h[1] : h[2]]}" for h in hits)
            context = " ".join(t[max(0, a - 40) : b + 40].split())
            side = "gold" if category in ("missed", "nested") else "predicted"
            out.writerow([doc, category, side, kind, a, b, t[a:b], overlaps, context])
    return len(rows)
