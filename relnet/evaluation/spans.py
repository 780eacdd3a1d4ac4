"""Strict span-level NER scores: a predicted mention counts only if type, start and end all match."""

from __future__ import annotations

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


def format_span_table(scores: dict[str, dict[str, float]]) -> str:
    lines = [f"{'type':<12}{'P':>8}{'R':>8}{'F1':>8}{'support':>9}"]
    for t, m in scores.items():
        if "f1" not in m:  # e.g. timing entries
            continue
        lines.append(f"{t:<12}{m['precision']:>8.3f}{m['recall']:>8.3f}{m['f1']:>8.3f}{int(m['support']):>9d}")
    return "\n".join(lines)
