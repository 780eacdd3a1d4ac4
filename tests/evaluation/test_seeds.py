from __future__ import annotations

import json
from pathlib import Path

import pytest

from relnet.errors import InputError
from relnet.evaluation.seeds import compare, paired, pooled_sd, run_score, seed_figure


def test_seed_figure_mean_and_sample_sd() -> None:
    fig = seed_figure([0.70, 0.71, 0.72])
    assert fig.mean == pytest.approx(0.71) and fig.sd == pytest.approx(0.01) and fig.n == 3
    assert str(fig) == "0.7100 ± 0.0100 (n=3)"
    assert seed_figure([0.5]).sd == 0.0 and "one seed" in str(seed_figure([0.5]))
    with pytest.raises(ValueError):
        seed_figure([])


def test_compare_calls_differences_under_two_sd_no_difference() -> None:
    base = seed_figure([0.70, 0.71, 0.72])
    assert pooled_sd(base, seed_figure([0.71, 0.72, 0.73])) == pytest.approx(0.01)
    assert compare(base, seed_figure([0.71, 0.72, 0.73]))[1] == "no difference"  # +0.01 < 2 × 0.01
    diff, verdict = compare(base, seed_figure([0.73, 0.74, 0.75]))
    assert diff == pytest.approx(0.03) and verdict == "better"
    assert compare(base, seed_figure([0.66, 0.67, 0.68]))[1] == "worse"
    assert compare(seed_figure([0.7]), seed_figure([0.8]))[1].startswith("unknown noise")


def test_paired_differences_follow_the_seed_order() -> None:
    diffs = paired(seed_figure([0.80, 0.82, 0.81]), seed_figure([0.81, 0.84, 0.82]))
    assert diffs is not None and diffs.values == pytest.approx((0.01, 0.02, 0.01))
    assert paired(seed_figure([0.8]), seed_figure([0.8, 0.9])) is None


def _run(folder: Path, report: dict | str) -> Path:
    folder.mkdir()
    (folder / "dev.json").write_text(report if isinstance(report, str) else json.dumps(report))
    return folder


def test_run_score_picks_the_reported_metric_and_names_a_bad_report(tmp_path: Path) -> None:
    scores = {"micro": {"f1": 0.7}, "macro": {"f1": 0.6}}
    assert run_score(_run(tmp_path / "cpr", {"scheme": "cpr", "scores": scores, "official": {"f1": 0.71}})) == (
        0.71, "official F1")  # fmt: skip
    assert run_score(_run(tmp_path / "c5", {"scheme": "coarse5", "scores": scores, "official": None})) == (
        0.6, "macro-F1")  # fmt: skip
    assert run_score(_run(tmp_path / "fine", {"scheme": "fine", "scores": scores}))[0] == 0.7
    assert run_score(_run(tmp_path / "ner", {"best_epoch": 4, "scores": scores})) == (0.7, "strict span micro-F1")
    with pytest.raises(InputError, match=r"missing/dev.json: no dev report"):
        run_score(tmp_path / "missing")
    with pytest.raises(InputError, match=r"broken/dev.json: not a dev report .*JSONDecodeError"):
        run_score(_run(tmp_path / "broken", "{"))
    with pytest.raises(InputError, match=r"other/dev.json: not a dev report .*KeyError"):
        run_score(_run(tmp_path / "other", {"scheme": "cpr"}))
