"""Example-level scores: per-class P/R/F1, micro-F1 over the positive classes, macro-F1, confusion.

Built on scikit-learn's metrics. For a scheme with a negative class (``cpr``) micro-F1 averages
over the positive classes only, the official ChemProt/BLURB measure; without one it equals accuracy.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

from relnet.examples.labels import LabelScheme


@dataclass
class Scores:
    labels: list[str]
    per_class: dict[str, dict[str, float]]  # label → precision, recall, f1, support
    micro: dict[str, float]  # over the positive classes
    macro: dict[str, float]  # over the positive classes
    confusion: list[list[int]]  # rows gold, columns predicted, in ``labels`` order
    n: int

    @property
    def main(self) -> float:
        return self.micro["f1"]

    def to_json(self) -> dict:
        return asdict(self)


def score(gold: list[str], predicted: list[str], scheme: LabelScheme) -> Scores:
    labels = list(scheme.labels)
    positive = list(scheme.positive)
    p, r, f, s = precision_recall_fscore_support(gold, predicted, labels=labels, zero_division=0)
    per_class = {
        label: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(s[i])}
        for i, label in enumerate(labels)
    }
    averages = {}
    for avg in ("micro", "macro"):
        ap, ar, af, _ = precision_recall_fscore_support(gold, predicted, labels=positive, average=avg, zero_division=0)
        averages[avg] = {"precision": float(ap), "recall": float(ar), "f1": float(af)}
    cm = confusion_matrix(gold, predicted, labels=labels).tolist()
    return Scores(labels, per_class, averages["micro"], averages["macro"], cm, len(gold))


def format_table(scores: Scores) -> str:
    """A plain-text report: one row per class, then micro and macro."""
    lines = [f"{'class':<24}{'P':>8}{'R':>8}{'F1':>8}{'support':>9}"]
    for label, m in scores.per_class.items():
        lines.append(f"{label:<24}{m['precision']:>8.3f}{m['recall']:>8.3f}{m['f1']:>8.3f}{m['support']:>9d}")
    for name in ("micro", "macro"):
        m = getattr(scores, name)
        lines.append(f"{name + ' (positive)':<24}{m['precision']:>8.3f}{m['recall']:>8.3f}{m['f1']:>8.3f}")
    return "\n".join(lines)
