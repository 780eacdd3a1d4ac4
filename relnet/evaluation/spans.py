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


def classify_errors(gold: Iterable[Span], predicted: Iterable[Span]) -> list[tuple[str, Span, list[Span]]]:
    """Every prediction and every missed gold span with its category and the spans of the other side it overlaps.

    Categories (SemEval-2013 task 9, as in the `nervaluate` package): a prediction is ``exact``, ``type`` (same
    offsets, other type), ``boundary`` (overlaps a gold span of its type), ``boundary_type`` (overlaps only gold
    spans of other types) or ``spurious`` (overlaps nothing); a gold span no prediction overlaps is ``missed``.
    """
    gold, predicted = set(gold), set(predicted)
    gold_by_doc: dict[str, list[Span]] = defaultdict(list)
    for g in gold:
        gold_by_doc[g[0]].append(g)
    pred_by_doc: dict[str, list[Span]] = defaultdict(list)
    for p in predicted:
        pred_by_doc[p[0]].append(p)

    def overlapping(span: Span, others: list[Span]) -> list[Span]:
        return sorted(o for o in others if span[1] < o[2] and o[1] < span[2])

    out: list[tuple[str, Span, list[Span]]] = []
    for p in sorted(predicted):
        hits = overlapping(p, gold_by_doc[p[0]])
        if p in gold:
            category = "exact"
        elif any(g[1:3] == p[1:3] for g in hits):
            category = "type"
        elif any(g[3] == p[3] for g in hits):
            category = "boundary"
        else:
            category = "boundary_type" if hits else "spurious"
        out.append((category, p, hits))
    out += [("missed", g, []) for g in sorted(gold) if not overlapping(g, pred_by_doc[g[0]])]
    return out


def span_errors(gold: Iterable[Span], predicted: Iterable[Span]) -> dict[str, float]:
    """Counts per category of `classify_errors`, and ``lenient_*`` P/R/F1: an overlap with the right type counts
    as a match — how much of the strict error is only offsets."""
    gold, predicted = set(gold), set(predicted)
    counts = dict.fromkeys(("exact", "type", "boundary", "boundary_type", "spurious", "missed"), 0)
    lenient_pred = 0
    for category, p, hits in classify_errors(gold, predicted):
        counts[category] += 1
        lenient_pred += category != "missed" and any(g[3] == p[3] for g in hits)
    # the same classification with the roles swapped: for each gold span, the predictions it overlaps
    lenient_gold = sum(
        any(p[3] == g[3] for p in hits)
        for category, g, hits in classify_errors(predicted, gold)
        if category != "missed"
    )
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
