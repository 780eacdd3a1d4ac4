"""Figures over several seeds: mean ± standard deviation, and whether two recipes differ beyond seed noise.

The rule the project reports by (docs/results.md): a difference of means under two standard deviations of the
seed noise is "no difference". The noise is the pooled sample standard deviation of the two recipes' runs.
Where two recipes ran with the same seeds, `paired` gives the per-seed differences as well (informative: with
three seeds it is the sign of each difference that says most).
"""

from __future__ import annotations

import json
import math
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from relnet.errors import InputError


@dataclass(frozen=True)
class SeedFigure:
    mean: float
    sd: float  # sample standard deviation (n − 1); 0 for a single run
    n: int
    values: tuple[float, ...]

    def __str__(self) -> str:
        return f"{self.mean:.4f} ± {self.sd:.4f} (n={self.n})" if self.n > 1 else f"{self.mean:.4f} (one seed)"

    def to_json(self) -> dict:
        return asdict(self)


def seed_figure(values: Sequence[float]) -> SeedFigure:
    if not values:
        raise ValueError("no runs to summarise")
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return SeedFigure(statistics.fmean(values), sd, len(values), tuple(values))


def pooled_sd(a: SeedFigure, b: SeedFigure) -> float:
    dof = a.n + b.n - 2
    if dof <= 0:
        return 0.0
    return math.sqrt(((a.n - 1) * a.sd**2 + (b.n - 1) * b.sd**2) / dof)


def compare(base: SeedFigure, other: SeedFigure) -> tuple[float, str]:
    """(difference of means, verdict): "no difference" under 2 pooled sd, else "better"/"worse"; "unknown noise"
    when neither side has two runs."""
    diff = other.mean - base.mean
    sd = pooled_sd(base, other)
    if base.n < 2 and other.n < 2:
        return diff, "unknown noise (one seed each)"
    if abs(diff) < 2 * sd:
        return diff, "no difference"
    return diff, "better" if diff > 0 else "worse"


def paired(base: SeedFigure, other: SeedFigure) -> SeedFigure | None:
    """The per-seed differences ``other − base`` (runs in the same seed order), or None when the counts differ."""
    if base.n != other.n:
        return None
    return seed_figure([b - a for a, b in zip(base.values, other.values)])


def run_score(run: str | Path) -> tuple[float, str]:
    """(score, its name) of a training run folder, from the dev.json ``relnet train``/``train-ner`` wrote.

    The score the project reports for the run: the official F1 where the split has one, macro-F1 for coarse5,
    micro-F1 otherwise; for a tagger (no scheme) the strict span micro-F1.
    """
    path = Path(run) / "dev.json"
    try:
        report = json.loads(path.read_text())
        scores = report["scores"]
        if "scheme" not in report:
            return scores["micro"]["f1"], "strict span micro-F1"
        if report.get("official"):
            return report["official"]["f1"], "official F1"
        if report["scheme"] == "coarse5":
            return scores["macro"]["f1"], "macro-F1"
        return scores["micro"]["f1"], "micro-F1"
    except FileNotFoundError:
        raise InputError(path, None, "no dev report: the run has not finished (or is not a training run)") from None
    except (json.JSONDecodeError, KeyError, TypeError) as e:
        raise InputError(path, None, f"not a dev report of relnet train/train-ner ({type(e).__name__}: {e})") from None
