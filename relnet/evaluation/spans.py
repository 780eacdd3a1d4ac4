"""Strict span-level NER scores: a predicted mention counts only if type, start and end all match.

Pure scoring of ``(doc id, start, end, type)`` spans, plus the TSV of wrong and missed spans for error
analysis (`write_span_errors`). Running a tagger to get the spans is `relnet.workflows.ner`.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from relnet.data import Document
from relnet.errors import RelnetError

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


CATEGORIES = ("exact", "type", "boundary", "boundary_type", "spurious", "nested", "missed")


def _by_doc(spans: set[Span]) -> dict[str, list[Span]]:
    out: dict[str, list[Span]] = defaultdict(list)
    for span in spans:
        out[span[0]].append(span)
    return out


def _overlapping(span: Span, others: list[Span]) -> list[Span]:
    return sorted(o for o in others if span[1] < o[2] and o[1] < span[2])


def classify_spans(gold: Iterable[Span], predicted: Iterable[Span]) -> list[tuple[str, Span, list[Span]]]:
    """Each prediction, and each gold span no prediction accounts for, with its category and what it overlaps.

    A prediction is ``exact``, ``type`` (same offsets, other type), ``boundary`` (overlaps a gold span of its
    type), ``boundary_type`` (overlaps only gold spans of other types) or ``spurious`` (overlaps nothing) — the
    categories of SemEval-2013 task 9. A gold span without an exact match is ``missed`` when no prediction
    overlaps it and ``nested`` when only exact matches of other gold spans do (a chemical inside a gene name
    that one BIO sequence cannot hold); gold spans overlapped by a wrong prediction are that prediction's row.
    """
    gold, predicted = set(gold), set(predicted)
    gold_by_doc, pred_by_doc = _by_doc(gold), _by_doc(predicted)
    out: list[tuple[str, Span, list[Span]]] = []
    for p in sorted(predicted):
        hits = _overlapping(p, gold_by_doc[p[0]])
        if p in gold:
            category = "exact"
        elif any(g[1:3] == p[1:3] for g in hits):
            category = "type"
        elif any(g[3] == p[3] for g in hits):
            category = "boundary"
        else:
            category = "boundary_type" if hits else "spurious"
        out.append((category, p, hits))
    for g in sorted(gold - predicted):
        hits = _overlapping(g, pred_by_doc[g[0]])
        if not hits:
            out.append(("missed", g, []))
        elif all(p in gold for p in hits):
            out.append(("nested", g, hits))
    return out


def lenient_matches(gold: Iterable[Span], predicted: Iterable[Span]) -> int:
    """One-to-one matches of overlapping same-type spans, greedily by overlap length (so two fragments of one
    gold span count once, and one long prediction over two gold spans counts once)."""
    gold, predicted = set(gold), set(predicted)
    gold_by_doc = _by_doc(gold)
    pairs = sorted(
        ((min(p[2], g[2]) - max(p[1], g[1]), p, g) for p in predicted for g in _overlapping(p, gold_by_doc[p[0]])
         if g[3] == p[3]),
        reverse=True,
    )  # fmt: skip
    used_p: set[Span] = set()
    used_g: set[Span] = set()
    for _, p, g in pairs:
        if p not in used_p and g not in used_g:
            used_p.add(p)
            used_g.add(g)
    return len(used_p)


def span_breakdown(gold: Iterable[Span], predicted: Iterable[Span]) -> dict[str, float]:
    """Counts per category of `classify_spans` (per prediction, plus the gold spans no prediction accounts for:
    they do not add up to the gold support) and ``lenient_*`` P/R/F1 from `lenient_matches`: how much of the
    strict error is only offsets."""
    gold, predicted = set(gold), set(predicted)
    counts: dict[str, float] = dict.fromkeys(CATEGORIES, 0)
    for category, _, _ in classify_spans(gold, predicted):
        counts[category] += 1
    matched = lenient_matches(gold, predicted)
    prec = matched / len(predicted) if predicted else 0.0
    rec = matched / len(gold) if gold else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {**counts, "lenient_precision": prec, "lenient_recall": rec, "lenient_f1": f1}


def format_span_breakdown(errors: dict[str, float]) -> str:
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


def write_span_errors(path: str | Path, docs: list[Document], gold: list[Span], predicted: list[Span]) -> int:
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
