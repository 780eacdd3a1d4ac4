"""The official BioCreative VI ChemProt measure, at document level.

Micro P/R/F1 over the (PMID, CPR group, Arg1, Arg2) tuples of groups CPR:3,4,5,6,9, duplicates
ignored. Gold relations whose mentions lie in different sentences are never predicted from
sentence-level candidates and count as misses, exactly as they do officially.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from relnet.corpus.chemprot import EVALUATED_GROUPS, find_chemprot_files, read_gold_standard
from relnet.data import Example
from relnet.examples.labels import LabelScheme

Tuple4 = tuple[str, str, str, str]


@dataclass(frozen=True)
class OfficialScore:
    precision: float
    recall: float
    f1: float
    tp: int
    fp: int
    fn: int

    def to_json(self) -> dict:
        return asdict(self)


def prediction_tuples(examples: Iterable[Example], labels: Iterable[str], scheme: LabelScheme) -> set[Tuple4]:
    """Predicted labels of candidate examples → official tuples (evaluated groups only)."""
    out: set[Tuple4] = set()
    for e, label in zip(examples, labels):
        group = scheme.group_of(label)
        if group in EVALUATED_GROUPS:
            out.add((e.doc_id, group, e.head_id, e.tail_id))
    return out


def official_score(predicted: set[Tuple4], gold: set[Tuple4]) -> OfficialScore:
    gold = {t for t in gold if t[1] in EVALUATED_GROUPS}
    predicted = {t for t in predicted if t[1] in EVALUATED_GROUPS}
    tp = len(predicted & gold)
    fp, fn = len(predicted) - tp, len(gold) - tp
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return OfficialScore(p, r, f, tp, fp, fn)


def score_split(
    examples: list[Example], predicted: list[str], scheme: LabelScheme, split: str | Path
) -> OfficialScore | None:
    """The official score of example-level predictions on a split folder, or ``None`` where it does not
    apply (no gold standard, or a scheme without negatives: it never sees unrelated pairs).

    Cross-sentence windows (gold-only candidates) are left out, so those relations count as misses;
    gold tuples of documents without examples (a truncated split) are left out too.
    """
    split = Path(split)
    if scheme.negative is None or not split.is_dir():
        return None
    gold_path = find_chemprot_files(split).gold_standard
    if gold_path is None:
        return None
    kept = [(e, p) for e, p in zip(examples, predicted) if not e.meta.get("cross_sentence")]
    scored_docs = {e.doc_id for e in examples}
    return official_score(
        prediction_tuples([e for e, _ in kept], [p for _, p in kept], scheme),
        {t for t in read_gold_standard(gold_path) if t[0] in scored_docs},
    )


def write_predictions(path: str | Path, tuples: set[Tuple4]) -> None:
    """The gold standard's four columns: PMID, CPR group, Arg1:Tn, Arg2:Tm (sorted, tab-separated)."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, delimiter="\t", lineterminator="\n")
        for pmid, group, a1, a2 in sorted(tuples):
            w.writerow([pmid, group, f"Arg1:{a1}", f"Arg2:{a2}"])


def score_files(predictions: str | Path, gold_standard: str | Path) -> OfficialScore:
    """Score an official-format prediction file against a ``*_gold_standard.tsv``."""
    return official_score(read_gold_standard(predictions), read_gold_standard(gold_standard))
