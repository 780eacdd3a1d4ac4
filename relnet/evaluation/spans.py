"""Strict span-level NER scores: a predicted mention counts only if type, start and end all match."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

Span = tuple[str, int, int, str]  # doc id, start, end, type


def span_scores(gold: Iterable[Span], predicted: Iterable[Span]) -> dict[str, dict[str, float]]:
    """Per type and ``micro``: precision, recall, f1, support (gold count)."""
    gold, predicted = set(gold), set(predicted)
    out: dict[str, dict[str, float]] = {}
    for t in sorted({s[3] for s in gold | predicted}) + ["micro"]:
        g = gold if t == "micro" else {s for s in gold if s[3] == t}
        p = predicted if t == "micro" else {s for s in predicted if s[3] == t}
        tp = len(g & p)
        prec = tp / len(p) if p else 0.0
        rec = tp / len(g) if g else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        out[t] = {"precision": prec, "recall": rec, "f1": f1, "support": len(g)}
    return out


def span_errors(gold: Iterable[Span], predicted: Iterable[Span]) -> dict[str, float]:
    """Why strict matching failed, in the categories of SemEval-2013 task 9 (and the `nervaluate` package).

    Each predicted span that is not an exact match is one of: ``type`` (same offsets, other type), ``boundary``
    (overlaps a gold span of its type), ``boundary_type`` (overlaps only gold spans of other types) or
    ``spurious`` (overlaps nothing); a gold span that no prediction overlaps is ``missed``. ``lenient_*``:
    P/R/F1 when an overlap with the right type counts as a match — the share of errors that are only offsets.
    """
    gold, predicted = set(gold), set(predicted)
    by_doc: dict[str, list[Span]] = defaultdict(list)
    for g in gold:
        by_doc[g[0]].append(g)
    pred_by_doc: dict[str, list[Span]] = defaultdict(list)
    for p in predicted:
        pred_by_doc[p[0]].append(p)

    def overlaps(a: Span, b: Span) -> bool:
        return a[1] < b[2] and b[1] < a[2]

    counts = dict.fromkeys(("exact", "type", "boundary", "boundary_type", "spurious", "missed"), 0)
    lenient_pred = 0
    for p in predicted:
        hits = [g for g in by_doc[p[0]] if overlaps(p, g)]
        if p in gold:
            counts["exact"] += 1
        elif any(g[1:3] == p[1:3] for g in hits):
            counts["type"] += 1
        elif any(g[3] == p[3] for g in hits):
            counts["boundary"] += 1
        elif hits:
            counts["boundary_type"] += 1
        else:
            counts["spurious"] += 1
        lenient_pred += any(g[3] == p[3] for g in hits)
    lenient_gold = 0
    for g in gold:
        hits = [p for p in pred_by_doc[g[0]] if overlaps(p, g)]
        counts["missed"] += not hits
        lenient_gold += any(p[3] == g[3] for p in hits)
    prec = lenient_pred / len(predicted) if predicted else 0.0
    rec = lenient_gold / len(gold) if gold else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {**counts, "lenient_precision": prec, "lenient_recall": rec, "lenient_f1": f1}


def format_span_errors(errors: dict[str, float]) -> str:
    counts = ", ".join(f"{k} {int(v)}" for k, v in errors.items() if not k.startswith("lenient"))
    return (
        f"spans: {counts}\nlenient (overlap, same type): P {errors['lenient_precision']:.3f} "
        f"R {errors['lenient_recall']:.3f} F1 {errors['lenient_f1']:.3f}"
    )


def format_span_table(scores: dict[str, dict[str, float]]) -> str:
    lines = [f"{'type':<12}{'P':>8}{'R':>8}{'F1':>8}{'support':>9}"]
    for t, m in scores.items():
        if "f1" not in m:  # e.g. timing entries
            continue
        lines.append(f"{t:<12}{m['precision']:>8.3f}{m['recall']:>8.3f}{m['f1']:>8.3f}{int(m['support']):>9d}")
    return "\n".join(lines)
