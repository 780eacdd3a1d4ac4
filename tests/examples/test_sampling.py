from __future__ import annotations

from collections import Counter

import pytest

from relnet.data import Example, Span
from relnet.errors import RelnetError
from relnet.examples.sampling import class_weights, oversample, parse_factors, subsample_negatives


def _examples(counts: dict[str, int]) -> list[Example]:
    return [Example("d", "a b", Span(0, 1), Span(2, 3), label) for label, n in counts.items() for _ in range(n)]


def test_sampling_seed_factors_reproduce_seed_sizes() -> None:
    # the seed's coarse5 training counts: 6,436 → 9,614 with NOT ×5, PART-OF ×3, REGULATOR-POSITIVE ×3
    data = _examples({"INTERACTOR": 2583, "NOT": 241, "PART-OF": 308, "REGULATOR-NEGATIVE": 2505,
                      "REGULATOR-POSITIVE": 799})  # fmt: skip
    out = oversample(data, parse_factors("seed"), seed=1)
    assert len(out) == 9614
    assert Counter(e.label for e in out)["NOT"] == 1205


def test_sampling_auto_balances_and_is_deterministic() -> None:
    data = _examples({"a": 100, "b": 10, "c": 50})
    out = oversample(data, "auto", seed=3)
    assert Counter(e.label for e in out) == {"a": 100, "b": 100, "c": 100}
    assert out == oversample(data, "auto", seed=3)


@pytest.mark.parametrize("spec", ["NOT=0", "NOT", "NOT=x"])
def test_sampling_bad_factor_spec(spec: str) -> None:
    with pytest.raises(RelnetError, match="LABEL=N"):
        parse_factors(spec)


def test_sampling_unknown_label_is_an_error() -> None:
    with pytest.raises(RelnetError, match="absent"):
        oversample(_examples({"a": 2}), {"zzz": 2})


def test_sampling_class_weights_inverse_frequency() -> None:
    w = class_weights(_examples({"a": 30, "b": 10}), ["a", "b", "c"])
    assert w[1] == pytest.approx(3 * w[0]) and w[2] == 1.0


def test_sampling_subsample_negatives_keeps_positives() -> None:
    out = subsample_negatives(_examples({"false": 1000, "CPR:3": 7}), "false", 0.25, seed=0)
    counts = Counter(e.label for e in out)
    assert counts["CPR:3"] == 7 and 180 < counts["false"] < 320
