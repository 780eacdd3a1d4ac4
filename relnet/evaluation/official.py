"""The official BioCreative VI ChemProt measure, at document level, as the organisers' kit computes it.

Micro P/R/F1 over the (PMID, CPR group, Arg1, Arg2) tuples of groups CPR:3,4,5,6,9. The gold standard
is a set; predictions are a sequence of lines, scored like the kit (``bc6chemprot_eval.jar``) does:

- fields are trimmed and compared case-insensitively;
- a repeated prediction line is one more false positive: the first occurrence of a gold tuple is the
  true positive, every later one (and every repeat of a wrong tuple) a false positive;
- lines without exactly four tab-separated fields are skipped (here with one counted warning);
- no predictions at all: precision is undefined (``None``), not 0.

relnet's own predictions are unique tuples, so for them the measure is plain set overlap. Gold
relations whose mentions lie in different sentences are never predicted from sentence-level
candidates and count as misses, exactly as they do officially.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from relnet.corpus.biocreative_tsv import find_one
from relnet.corpus.chemprot import find_chemprot_files, read_gold_standard
from relnet.data import Example
from relnet.errors import InputError, SkipCounter
from relnet.examples.labels import LabelScheme
from relnet.schema import EVALUATED_GROUPS

#: ``(PMID, CPR group, Tn, Tm)``: an official tuple, entity ids without their ``Arg1:``/``Arg2:`` prefix.
Tuple4 = tuple[str, str, str, str]
#: The four trimmed fields of a prediction line as written: PMID, CPR group, ``Arg1:Tn``, ``Arg2:Tm``.
Line4 = tuple[str, str, str, str]

_EVALUATED = {g.casefold(): g for g in EVALUATED_GROUPS}


@dataclass(frozen=True)
class OfficialScore:
    """Micro P/R/F1 with its counts. ``precision`` is ``None`` when nothing was predicted (tp + fp = 0); recall is
    0.0 when there is no gold; F1 is 0.0 whenever precision is undefined or P + R = 0."""

    precision: float | None
    recall: float
    f1: float
    tp: int
    fp: int
    fn: int

    @classmethod
    def from_counts(cls, tp: int, fp: int, fn: int) -> OfficialScore:
        p = tp / (tp + fp) if tp + fp else None
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p is not None and p + r else 0.0
        return cls(p, r, f, tp, fp, fn)

    def to_json(self) -> dict:
        return asdict(self)

    def summary(self) -> str:
        """``P 0.5000 R 0.6667 F1 0.5714 (tp 2, fp 2, fn 1)``; an undefined precision prints as ``n/a``."""
        return (f"P {format_ratio(self.precision)} R {self.recall:.4f} F1 {self.f1:.4f} "
                f"(tp {self.tp}, fp {self.fp}, fn {self.fn})")  # fmt: skip


def format_ratio(value: float | None) -> str:
    """A precision, recall or F1 to four decimals; ``None`` (undefined) as ``n/a``."""
    return "n/a" if value is None else f"{value:.4f}"


@dataclass(frozen=True)
class FileScore:
    """The score of a prediction file: overall, per evaluated group, and what was read."""

    overall: OfficialScore
    groups: dict[str, OfficialScore]
    lines: int  # prediction lines with four fields
    skipped: int  # lines without exactly four tab-separated fields (not scored)
    other_groups: int  # lines of groups outside CPR:3,4,5,6,9 (not scored)

    def to_json(self) -> dict:
        return {"overall": self.overall.to_json(), "groups": {g: s.to_json() for g, s in self.groups.items()},
                "lines": self.lines, "skipped": self.skipped, "other_groups": self.other_groups}  # fmt: skip


def as_line(t: Tuple4) -> Line4:
    """An official tuple → the fields of its prediction line (``Arg1:``/``Arg2:`` prefixed)."""
    pmid, group, a1, a2 = t
    return pmid, group, f"Arg1:{a1}", f"Arg2:{a2}"


def _key(line: Line4) -> Line4:
    """What the kit compares: trimmed, case-folded fields."""
    return tuple(f.strip().casefold() for f in line)  # type: ignore[return-value]


def _group_counts(lines: Iterable[Line4], gold: Iterable[Tuple4]) -> dict[str, tuple[int, int, int]]:
    """Per evaluated group: (tp, fp, fn) of prediction lines against the gold tuples, the kit's way."""
    gold_keys = {k for k in map(_key, map(as_line, gold)) if k[1] in _EVALUATED}
    counts = {g: [0, 0, 0] for g in EVALUATED_GROUPS}
    matched: set[Line4] = set()
    for key in map(_key, lines):
        group = _EVALUATED.get(key[1])
        if group is None:
            continue
        if key in gold_keys and key not in matched:  # the first occurrence of a gold tuple
            matched.add(key)
            counts[group][0] += 1
        else:  # a wrong tuple, or a repeat of any tuple
            counts[group][1] += 1
    for key in gold_keys:
        counts[_EVALUATED[key[1]]][2] += key not in matched
    return {g: (tp, fp, fn) for g, (tp, fp, fn) in counts.items()}


def score_lines(lines: Iterable[Line4], gold: Iterable[Tuple4]) -> OfficialScore:
    """Micro P/R/F1 of prediction lines (repeats kept: each is one more FP) against gold tuples (a set).

    Only groups CPR:3,4,5,6,9 count on either side. With no prediction lines precision is ``None`` (F1 0.0).
    """
    counts = _group_counts(lines, gold).values()
    return OfficialScore.from_counts(*(sum(c[i] for c in counts) for i in range(3)))


def group_scores(lines: Iterable[Line4], gold: Iterable[Tuple4]) -> dict[str, OfficialScore]:
    """P/R/F1 of each evaluated group (CPR:3,4,5,6,9, in that order), counted as `score_lines` does; their tp, fp
    and fn add up to the micro score's."""
    return {g: OfficialScore.from_counts(*c) for g, c in _group_counts(lines, gold).items()}


def official_score(predicted: Iterable[Tuple4], gold: Iterable[Tuple4]) -> OfficialScore:
    """Micro P/R/F1 of predicted tuples against gold tuples; a repeated predicted tuple is one more FP (relnet's
    own predictions are unique). With no predictions precision is ``None`` (F1 0.0)."""
    return score_lines(map(as_line, predicted), gold)


def prediction_tuples(examples: Iterable[Example], labels: Iterable[str], scheme: LabelScheme) -> set[Tuple4]:
    """Predicted labels of candidate examples → official tuples (evaluated groups only, each once)."""
    out: set[Tuple4] = set()
    for e, label in zip(examples, labels):
        group = scheme.group_of(label)
        if group in EVALUATED_GROUPS:
            out.add((e.doc_id, group, e.head_id, e.tail_id))
    return out


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


def write_predictions(path: str | Path, tuples: Iterable[Tuple4]) -> None:
    """The gold standard's four columns: PMID, CPR group, Arg1:Tn, Arg2:Tm (sorted, tab-separated)."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, delimiter="\t", lineterminator="\n")
        for t in sorted(tuples):
            w.writerow(as_line(t))


def read_prediction_lines(path: str | Path) -> tuple[list[Line4], int]:
    """A prediction file's lines, in order and with repeats: ``(lines, skipped)``.

    Each line is four tab-separated fields (PMID, CPR group, ``Arg1:Tn``, ``Arg2:Tm``), trimmed; lines with
    another number of fields are skipped and counted (one warning on the ``relnet`` logger with the first line
    number), as the kit skips them. Blank lines are ignored. A missing or unreadable file is an `InputError`.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(path, None, "prediction file not found")
    skipped = SkipCounter(str(path))
    lines: list[Line4] = []
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            for lineno, raw in enumerate(f, start=1):
                line = raw.rstrip("\n").rstrip("\r")
                if not line.strip():
                    continue
                fields = line.split("\t")
                if len(fields) != 4:
                    skipped.skip("lines without exactly four tab-separated fields", f"{path}:{lineno}")
                    continue
                lines.append(tuple(x.strip() for x in fields))  # type: ignore[arg-type]
    except UnicodeDecodeError as err:
        raise InputError(path, None, f"not UTF-8 text ({err.reason} at byte {err.start})") from None
    except OSError as err:
        raise InputError(path, None, f"cannot read: {err.strerror or err}") from None
    skipped.report()
    return lines, skipped.total


def score_prediction_file(predictions: str | Path, gold_standard: str | Path) -> FileScore:
    """Score an official-format prediction file (another system's, say) against a ``*_gold_standard.tsv`` (or the
    split folder that holds one): micro and per-group P/R/F1, the kit's way (see the module docstring)."""
    lines, skipped = read_prediction_lines(predictions)
    if Path(gold_standard).is_dir():
        folder = Path(gold_standard)
        gold_standard = find_one(folder, "*gold_standard*.tsv", False) or folder
        if gold_standard == folder:
            raise InputError(folder, None, "no *gold_standard*.tsv in this folder (a split without gold relations?)")
    try:
        gold = read_gold_standard(gold_standard)
    except UnicodeDecodeError as err:
        raise InputError(gold_standard, None, f"not UTF-8 text ({err.reason} at byte {err.start})") from None
    other = sum(_key(line)[1] not in _EVALUATED for line in lines)
    return FileScore(score_lines(lines, gold), group_scores(lines, gold), len(lines), skipped, other)


def score_files(predictions: str | Path, gold_standard: str | Path) -> OfficialScore:
    """The micro score of an official-format prediction file against a ``*_gold_standard.tsv``."""
    return score_prediction_file(predictions, gold_standard).overall
