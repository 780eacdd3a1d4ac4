"""Smoke tests of the command line: train two steps, evaluate, predict, corpus stats; errors are one line."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from relnet.cli import app

runner = CliRunner()


def test_cli_train_evaluate_predict(tmp_path: Path, split_dir: Path, dev_dir: Path, tiny_encoder: Path) -> None:
    out = tmp_path / "run"
    result = runner.invoke(app, ["train", "--train", str(split_dir), "--dev", str(dev_dir), "--output-dir", str(out),
                                 "--encoder", str(tiny_encoder), "--scheme", "cpr", "--epochs", "1",
                                 "--max-steps", "2", "--batch-size", "4", "--max-length", "64"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "micro (positive)" in result.output and "official" in result.output
    result = runner.invoke(app, ["evaluate", str(out / "best"), str(dev_dir), "--output", str(tmp_path / "ev")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "ev" / "eval.json").is_file()
    result = runner.invoke(app, ["predict", str(out / "best"), str(dev_dir), "--output", str(tmp_path / "p.tsv")])
    assert result.exit_code == 0, result.output
    jsonl = (tmp_path / "p.jsonl").read_text().splitlines()
    assert len(jsonl) == 8  # every within-sentence chemical–gene pair of the two dev abstracts


def test_cli_corpus_stats(split_dir: Path) -> None:
    result = runner.invoke(app, ["corpus", "stats", str(split_dir), "--scheme", "coarse5"])
    assert result.exit_code == 0 and "REGULATOR-NEGATIVE" in result.output and "Total" in result.output


def test_cli_bad_input_is_one_line_not_a_traceback(tmp_path: Path, split_dir: Path) -> None:
    ent = next(split_dir.glob("*entities*"))
    ent.write_text(ent.read_text().replace("\tAspirin\n", "\tAspirine\n", 1))
    result = runner.invoke(app, ["corpus", "stats", str(split_dir)])
    assert result.exit_code == 2
    assert "entities.tsv:1: entity text 'Aspirine' does not match" in result.output
    assert "Traceback" not in result.output


def test_cli_train_refuses_unknown_scheme(tmp_path: Path) -> None:
    result = runner.invoke(app, ["train", "--scheme", "bogus", "--output-dir", str(tmp_path / "x")])
    assert result.exit_code == 2 and "scheme must be one of" in result.output


def test_cli_evaluate_ner_lexicon(tmp_path: Path, split_dir: Path, dev_dir: Path) -> None:
    out = tmp_path / "ner.json"
    result = runner.invoke(
        app,
        ["evaluate-ner", str(dev_dir), "--tagger", "lexicon", "--lexicon-from", str(split_dir), "--output", str(out),
         "--errors", str(tmp_path / "errors.tsv")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    header = "doc_id\tcategory\tside\ttype\tstart\tend\ttext\toverlaps\tcontext\n"
    assert (tmp_path / "errors.tsv").read_text() == header  # nothing wrong, nothing listed
    assert "spans: exact" in result.output and "lenient" in result.output
    assert json.loads(out.read_text())["decoding"] == {"snap_words": False}  # the lexicon does not snap
    bad = runner.invoke(app, ["evaluate-ner", str(dev_dir), "--tagger", "lexicon", "--lexicon-from", str(split_dir),
                              "--errors", str(tmp_path / "no" / "such" / "errors.tsv")])  # fmt: skip
    assert bad.exit_code != 0 and "cannot write the error list" in bad.output and "Traceback" not in bad.output
    # the dev fixture repeats the training names, so a lexicon built on training finds every mention
    assert '"f1": 1.0' in out.read_text() and "documents/s" in result.output
