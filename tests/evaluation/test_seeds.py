from __future__ import annotations

import pytest

from relnet.evaluation.seeds import compare, paired, pooled_sd, seed_figure


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
