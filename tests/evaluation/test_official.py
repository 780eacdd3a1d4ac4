from __future__ import annotations

from pathlib import Path

import pytest

from relnet.data import Example, Span
from relnet.evaluation.metrics import score
from relnet.evaluation.official import official_score, prediction_tuples, score_files, write_predictions
from relnet.examples.labels import get_scheme


def test_official_hand_computed_case(tmp_path: Path) -> None:
    gold = {
        ("1", "CPR:4", "T1", "T2"),
        ("1", "CPR:3", "T3", "T4"),
        ("2", "CPR:9", "T1", "T5"),
        ("2", "CPR:2", "T9", "T9"),
    }  # fmt: skip  (CPR:2 is not evaluated: ignored)
    predicted = {("1", "CPR:4", "T1", "T2"), ("1", "CPR:4", "T3", "T4"), ("2", "CPR:9", "T1", "T5"),
                 ("3", "CPR:6", "T1", "T2")}  # fmt: skip
    s = official_score(predicted, gold)
    # tp 2 (T1–T2, T1–T5); fp 2; fn 1 → P 0.5, R 2/3, F1 4/7
    assert (s.tp, s.fp, s.fn) == (2, 2, 1)
    assert s.precision == pytest.approx(0.5) and s.recall == pytest.approx(2 / 3) and s.f1 == pytest.approx(4 / 7)
    write_predictions(tmp_path / "pred.tsv", predicted)
    gold_path = tmp_path / "gold.tsv"
    gold_path.write_text("".join(f"{p}\t{g}\tArg1:{a}\tArg2:{b}\n" for p, g, a, b in sorted(gold) * 2))  # duplicates
    assert score_files(tmp_path / "pred.tsv", gold_path) == s


def test_official_tuples_from_predictions_drop_negatives() -> None:
    ex = [Example("1", "a b", Span(0, 1), Span(2, 3), "", head_id=f"T{i}", tail_id="T9") for i in range(3)]
    tuples = prediction_tuples(ex, ["CPR:4", "false", "CPR:9"], get_scheme("cpr"))
    assert tuples == {("1", "CPR:4", "T0", "T9"), ("1", "CPR:9", "T2", "T9")}
    assert prediction_tuples(ex[:1], ["INHIBITOR"], get_scheme("fine")) == {("1", "CPR:4", "T0", "T9")}


def test_metrics_micro_over_positive_classes_only() -> None:
    gold = ["false", "false", "CPR:3", "CPR:4", "CPR:4"]
    pred = ["false", "CPR:3", "CPR:3", "CPR:4", "false"]
    s = score(gold, pred, get_scheme("cpr"))
    # positives: tp 2 (CPR:3, CPR:4), fp 1 (false→CPR:3), fn 1 (CPR:4→false)
    assert s.micro["precision"] == pytest.approx(2 / 3) and s.micro["recall"] == pytest.approx(2 / 3)
    assert s.per_class["CPR:3"]["f1"] == pytest.approx(2 / 3)
    assert s.confusion[0] == [1, 1, 0, 0, 0, 0]
