from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from typer.testing import CliRunner

from relnet.cli import app
from relnet.data import Example, Span
from relnet.errors import InputError
from relnet.evaluation.metrics import score
from relnet.evaluation.official import (
    group_scores,
    official_score,
    prediction_tuples,
    read_prediction_lines,
    score_files,
    score_lines,
    score_prediction_file,
    write_predictions,
)
from relnet.examples.labels import get_scheme

GOLD = {("1", "CPR:4", "T1", "T2"), ("1", "CPR:3", "T3", "T4"), ("2", "CPR:3", "T1", "T5"), ("2", "CPR:9", "T7", "T8")}


def _write(path: Path, rows: list[str]) -> Path:
    path.write_text("".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def _gold_file(tmp_path: Path) -> Path:
    return _write(tmp_path / "gold.tsv", [f"{p}\t{g}\tArg1:{a}\tArg2:{b}" for p, g, a, b in sorted(GOLD)])


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


def test_official_repeated_predictions_are_false_positives() -> None:
    hit, miss = ("1", "CPR:4", "T1", "T2"), ("1", "CPR:6", "T5", "T6")
    s = official_score([hit, hit, hit, miss, miss], GOLD)
    # the first hit is the TP; its two repeats and both misses are FPs; three gold tuples are never predicted
    assert (s.tp, s.fp, s.fn) == (1, 4, 3)
    assert s.precision == pytest.approx(0.2) and s.recall == pytest.approx(0.25) and s.f1 == pytest.approx(2 / 9)
    assert official_score({hit, miss}, GOLD).fp == 1  # relnet's own unique tuples: plain set overlap


def test_official_fields_trimmed_and_case_insensitive(tmp_path: Path) -> None:
    lines = [(" 1 ", "cpr:4", "ARG1:t1", "arg2:T2 "), ("1", "CPR:4", "Arg1:T1", "Arg2:T2")]  # the same tuple twice
    s = score_lines(lines, GOLD)
    assert (s.tp, s.fp, s.fn) == (1, 1, 3)
    pred = _write(tmp_path / "pred.tsv", ["1 \t CPR:3\targ1:T3\tArg2:t4\r", "2\tcpr:9\tArg1:T7\tARG2:T8"])
    assert read_prediction_lines(pred) == (
        [("1", "CPR:3", "arg1:T3", "Arg2:t4"), ("2", "cpr:9", "Arg1:T7", "ARG2:T8")],
        0,
    )
    s = score_files(pred, _gold_file(tmp_path))
    assert (s.tp, s.fp, s.fn) == (2, 0, 2)


def test_official_lines_without_four_fields_are_skipped_and_counted(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    pred = _write(tmp_path / "pred.tsv", [
        "1\tCPR:4\tArg1:T1\tArg2:T2",
        "1\tCPR:3\tArg1:T3",  # three fields
        "",  # blank: ignored, not counted
        "2\tCPR:3\tArg1:T1\tArg2:T5\tnote",  # five fields
        "2 CPR:9 Arg1:T7 Arg2:T8",  # spaces are not tabs: one field
    ])  # fmt: skip
    with caplog.at_level(logging.WARNING, logger="relnet"):
        lines, skipped = read_prediction_lines(pred)
    assert lines == [("1", "CPR:4", "Arg1:T1", "Arg2:T2")] and skipped == 3
    assert f"{pred}: skipped 3 lines without exactly four tab-separated fields (first at {pred}:2)" in caplog.text
    assert len(caplog.records) == 1
    result = score_prediction_file(pred, _gold_file(tmp_path))
    assert (result.overall.tp, result.overall.fp, result.overall.fn) == (1, 0, 3)
    assert (result.lines, result.skipped) == (1, 3)


def test_official_no_predictions_has_undefined_precision(tmp_path: Path) -> None:
    s = official_score([], GOLD)
    assert s.precision is None and (s.recall, s.f1) == (0.0, 0.0) and (s.tp, s.fp, s.fn) == (0, 0, 4)
    assert s.to_json()["precision"] is None
    assert s.summary() == "P n/a R 0.0000 F1 0.0000 (tp 0, fp 0, fn 4)"
    only_other_groups = official_score([("1", "CPR:2", "T1", "T2")], GOLD)  # not evaluated: no predictions either
    assert only_other_groups.precision is None
    assert score_files(_write(tmp_path / "empty.tsv", []), _gold_file(tmp_path)) == s


def test_official_per_group_scores_add_up() -> None:
    lines = [
        ("1", "CPR:3", "Arg1:T3", "Arg2:T4"),  # CPR:3 tp
        ("1", "CPR:3", "Arg1:T1", "Arg2:T2"),  # CPR:3 fp (gold says CPR:4)
        ("1", "CPR:4", "Arg1:T1", "Arg2:T2"),  # CPR:4 tp
        ("1", "CPR:4", "Arg1:T1", "Arg2:T2"),  # CPR:4 fp (repeat)
        ("2", "CPR:6", "Arg1:T1", "Arg2:T5"),  # CPR:6 fp
        ("2", "CPR:2", "Arg1:T7", "Arg2:T8"),  # not evaluated: ignored
    ]  # gold misses: CPR:3 2/T1–T5, CPR:9 2/T7–T8
    groups = group_scores(lines, GOLD)
    assert list(groups) == ["CPR:3", "CPR:4", "CPR:5", "CPR:6", "CPR:9"]
    counts = {g: (s.tp, s.fp, s.fn) for g, s in groups.items()}
    assert counts == {
        "CPR:3": (1, 1, 1),
        "CPR:4": (1, 1, 0),
        "CPR:5": (0, 0, 0),
        "CPR:6": (0, 1, 0),
        "CPR:9": (0, 0, 1),
    }
    assert groups["CPR:3"].precision == pytest.approx(0.5) and groups["CPR:3"].f1 == pytest.approx(0.5)
    assert groups["CPR:4"].recall == pytest.approx(1.0) and groups["CPR:4"].f1 == pytest.approx(2 / 3)
    assert groups["CPR:5"].precision is None and groups["CPR:9"].precision is None and groups["CPR:9"].f1 == 0.0
    assert groups["CPR:6"].precision == 0.0
    micro = score_lines(lines, GOLD)
    assert (micro.tp, micro.fp, micro.fn) == (2, 3, 2)
    assert (
        micro.precision == pytest.approx(0.4)
        and micro.recall == pytest.approx(0.5)
        and micro.f1 == pytest.approx(4 / 9)
    )


def test_official_missing_prediction_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="nope.tsv: prediction file not found"):
        read_prediction_lines(tmp_path / "nope.tsv")
    bad = tmp_path / "bad.tsv"
    bad.write_bytes(b"1\tCPR:4\tArg1:T1\tArg2:\xff\n")
    with pytest.raises(InputError, match="bad.tsv: not UTF-8"):
        read_prediction_lines(bad)


def test_official_cli_score_text_json_and_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    gold = _gold_file(tmp_path)
    pred = _write(tmp_path / "pred.tsv", ["1\tCPR:4\tArg1:T1\tArg2:T2", "1\tcpr:4\tArg1:T1\tArg2:T2 ",
                                          "2\tCPR:6\tArg1:T1\tArg2:T5", "broken line"])  # fmt: skip
    result = runner.invoke(app, ["score", str(pred), str(gold)])
    assert result.exit_code == 0, result.output
    assert "official (CPR:3,4,5,6,9): P 0.3333 R 0.2500 F1 0.2857 (tp 1, fp 2, fn 3)" in result.stdout
    rows = {line.split()[0]: line.split()[1:] for line in result.stdout.splitlines() if line.startswith("CPR:")}
    assert rows["CPR:4"] == ["0.5000", "1.0000", "0.6667", "1", "1", "0"]
    assert rows["CPR:5"] == ["n/a", "0.0000", "0.0000", "0", "0", "0"]
    assert rows["CPR:6"][3:] == ["0", "1", "0"] and rows["CPR:3"][3:] == ["0", "0", "2"]
    assert "3 prediction lines; 1 skipped" in result.stdout

    result = runner.invoke(app, ["score", str(pred), str(gold), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["overall"] == {"precision": pytest.approx(1 / 3), "recall": 0.25, "f1": pytest.approx(2 / 7),
                                  "tp": 1, "fp": 2, "fn": 3}  # fmt: skip
    assert payload["groups"]["CPR:5"]["precision"] is None and payload["groups"]["CPR:9"]["fn"] == 1
    assert (payload["lines"], payload["skipped"], payload["other_groups"]) == (3, 1, 0)

    result = runner.invoke(app, ["score", str(tmp_path / "missing.tsv"), str(gold)])
    assert result.exit_code == 2 and "missing.tsv: prediction file not found" in result.output
    assert "Traceback" not in result.output
    result = runner.invoke(app, ["score", str(pred), str(tmp_path / "missing_gold.tsv")])
    assert result.exit_code == 2 and "missing_gold.tsv" in result.output and "Traceback" not in result.output


def test_official_cli_score_takes_the_split_folder_as_gold(tmp_path: Path) -> None:
    runner = CliRunner()
    split = tmp_path / "split"
    split.mkdir()
    pred = _write(tmp_path / "pred.tsv", ["1\tCPR:4\tArg1:T1\tArg2:T2"])
    gold = _gold_file(split).rename(split / "chemprot_test_gold_standard.tsv")
    by_file = runner.invoke(app, ["score", str(pred), str(gold), "--json"])
    by_folder = runner.invoke(app, ["score", str(pred), str(split), "--json"])
    assert by_folder.exit_code == 0 and by_folder.stdout == by_file.stdout, by_folder.output
    empty = tmp_path / "unlabelled"
    empty.mkdir()
    result = runner.invoke(app, ["score", str(pred), str(empty)])
    assert result.exit_code == 2 and "unlabelled: no *gold_standard*.tsv in this folder" in result.output
    assert "Traceback" not in result.output
