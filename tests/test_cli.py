"""Smoke tests of the command line: train two steps, evaluate, predict, corpus stats; errors are one line."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from relnet.cli import app
from relnet.corpus import read_documents

runner = CliRunner()

# The dev fixture's within-sentence chemical–gene pairs (tests/conftest.py) and their gold `cpr` labels: T8–T9
# is CPR:10 and 2002's T1–T2 unannotated (both `false`); the CPR:2 relation crosses sentences and is not scored.
DEV_PAIRS = {("2001", "T1", "T2"): "CPR:4", ("2001", "T3", "T4"): "CPR:4", ("2001", "T3", "T5"): "CPR:4",
             ("2001", "T6", "T7"): "CPR:3", ("2001", "T8", "T9"): "false", ("2002", "T1", "T2"): "false",
             ("2002", "T3", "T4"): "CPR:6", ("2002", "T5", "T6"): "CPR:9"}  # fmt: skip
GOLD_PER_LABEL = {"false": 2, "CPR:3": 1, "CPR:4": 3, "CPR:5": 0, "CPR:6": 1, "CPR:9": 1}


def test_cli_train_evaluate_predict(tmp_path: Path, split_dir: Path, dev_dir: Path, tiny_encoder: Path) -> None:
    out = tmp_path / "run"
    result = runner.invoke(app, ["train", "--train", str(split_dir), "--dev", str(dev_dir), "--output-dir", str(out),
                                 "--encoder", str(tiny_encoder), "--scheme", "cpr", "--epochs", "1",
                                 "--max-steps", "2", "--batch-size", "4", "--max-length", "64"])  # fmt: skip
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    assert (summary["scheme"], summary["train_examples"], summary["dev_examples"]) == ("cpr", 8, 8)
    assert json.loads((out / "config.json").read_text())["max_steps"] == 2
    result = runner.invoke(app, ["evaluate", str(out / "best"), str(dev_dir), "--output", str(tmp_path / "ev")])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "ev" / "eval.json").read_text())
    labels, confusion = report["scores"]["labels"], report["scores"]["confusion"]
    assert dict(zip(labels, map(sum, confusion))) == GOLD_PER_LABEL  # rows are gold, whatever the model says
    assert {k: v["support"] for k, v in report["scores"]["per_class"].items()} == GOLD_PER_LABEL
    official = report["official"]
    assert official["tp"] + official["fn"] == 6  # the dev gold standard's six tuples
    result = runner.invoke(app, ["predict", str(out / "best"), str(dev_dir), "--output", str(tmp_path / "p.tsv")])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in (tmp_path / "p.jsonl").read_text().splitlines()]
    assert sorted((r["doc_id"], r["arg1"], r["arg2"]) for r in rows) == sorted(DEV_PAIRS)
    # the same model on the same pairs: its labels are the confusion matrix's columns, its positives the TSV
    assert Counter(r["label"] for r in rows) == {k: n for k, n in zip(labels, map(sum, zip(*confusion))) if n}
    positives = sorted((r["doc_id"], r["label"], f"Arg1:{r['arg1']}", f"Arg2:{r['arg2']}") for r in rows
                       if r["label"] != "false")  # fmt: skip
    tsv = [tuple(line.split("\t")) for line in (tmp_path / "p.tsv").read_text().splitlines()]
    assert tsv == positives and official["tp"] + official["fp"] == len(tsv)
    assert f"{len(tsv)} relations → {tmp_path / 'p.tsv'}" in result.output
    # the model records what it learnt from: scoring it on its own training split is refused, or noted
    assert json.loads((out / "best" / "relnet_model.json").read_text())["trained_on"] == ["1001", "1002"]
    for command in ("evaluate", "predict"):
        result = runner.invoke(app, [command, str(out / "best"), str(split_dir), "--output", str(tmp_path / "t")])
        assert result.exit_code == 2 and "2 of its 2 documents were in the model's training data" in result.output
    result = runner.invoke(app, ["evaluate", str(out / "best"), str(split_dir), "--output", str(tmp_path / "t"),
                                 "--allow-overlap"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "t" / "eval.json").read_text())["training_overlap_documents"] == 2


def test_cli_corpus_stats(split_dir: Path) -> None:
    # the fixture's relations: INHIBITOR ×3 and ANTAGONIST → REGULATOR-NEGATIVE, ACTIVATOR → REGULATOR-POSITIVE,
    # SUBSTRATE and REGULATOR → INTERACTOR, NOT → NOT
    expected = {"INTERACTOR": 2, "NOT": 1, "PART-OF": 0, "REGULATOR-NEGATIVE": 4, "REGULATOR-POSITIVE": 1}
    result = runner.invoke(app, ["corpus", "stats", str(split_dir), "--scheme", "coarse5", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"training": expected}
    result = runner.invoke(app, ["corpus", "stats", str(split_dir), "--scheme", "coarse5"])
    assert result.exit_code == 0, result.output
    counts, classes = result.output.split("\n\n")
    docs = read_documents(split_dir)
    mentions, relations = sum(len(d.mentions) for d in docs), sum(len(d.relations) for d in docs)
    assert counts == f"training: {len(docs)} documents, {mentions} entities, {relations} relations"
    assert len(docs) > 1 and relations >= 8  # the fixture: several abstracts, every relation counted
    table = {line.split()[0]: line.split()[1:] for line in classes.splitlines()[1:] if line.strip()}
    assert table["REGULATOR-NEGATIVE"] == ["4", "50.00"] and table["Total"] == ["8", "100.00"]
    assert {k: int(v[0]) for k, v in table.items() if k != "Total"} == expected


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
    scores = json.loads(out.read_text())
    assert scores["decoding"] == {"snap_words": False, "viterbi": False}  # the lexicon neither snaps nor decodes BIO
    bad = runner.invoke(app, ["evaluate-ner", str(dev_dir), "--tagger", "lexicon", "--lexicon-from", str(split_dir),
                              "--errors", str(tmp_path / "no" / "such" / "errors.tsv")])  # fmt: skip
    assert bad.exit_code != 0 and "cannot write the error list" in bad.output and "Traceback" not in bad.output
    # the dev fixture repeats the training names, so a lexicon built on training finds every mention
    # (7 chemicals and 8 genes: tests/conftest.py), each an exact match
    assert {k: (scores[k]["f1"], scores[k]["support"]) for k in ("CHEMICAL", "GENE", "micro")} == {
        "CHEMICAL": (1.0, 7), "GENE": (1.0, 8), "micro": (1.0, 15)
    }  # fmt: skip
    assert scores["errors"]["exact"] == 15 and scores["errors"]["missed"] == scores["errors"]["spurious"] == 0
    assert scores["training_overlap_documents"] == 0
    # a lexicon scored on the split it was built from is refused, or noted
    own = runner.invoke(app, ["evaluate-ner", str(split_dir), "--tagger", "lexicon", "--lexicon-from", str(split_dir)])
    assert own.exit_code == 2 and "2 of its 2 documents were in the model's training data" in own.output
    own = runner.invoke(app, ["evaluate-ner", str(split_dir), "--tagger", "lexicon", "--lexicon-from", str(split_dir),
                              "--allow-overlap", "--output", str(out)])  # fmt: skip
    assert own.exit_code == 0 and json.loads(out.read_text())["training_overlap_documents"] == 2


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["evaluate", "M", "S", "--batch-size", "-4"], "--batch-size must be ≥ 1, got -4"),  # labelled all `false`
        (["predict", "M", "S", "--output", "p.tsv", "--batch-size", "0"], "--batch-size must be ≥ 1, got 0"),
        (["pseudo-tag", "U", "--output", "o", "--max-docs", "-1"], "--max-docs must be ≥ 0, got -1"),  # [:-1]
        (["pseudo-label", "U", "--teacher", "M", "--output", "o", "--max-per-class", "-1"], "--max-per-class must"),
        (["network", "summary", "s.sqlite", "--top", "-1"], "--top must be ≥ 1"),
        (["network", "query", "s.sqlite", "aspirin", "--hops", "-1"], "--hops must be ≥ 0"),
        (["network", "html", "s.sqlite", "out.html", "--max-edges", "-5"], "--max-edges must be ≥ 0"),
        (["network", "summary", "s.sqlite", "--min-confidence", "1.5"], "--min-confidence must be ≤ 1.0"),
        (["serve", "--port", "70000"], "--port must be ≤ 65535"),
        (["mine", "t.txt", "--store", "s.sqlite", "--batch-docs", "-1"], "--batch-docs must be ≥ 1"),
        (["bench", "--pairs", "0"], "--pairs must be ≥ 1"),
        (["evaluate", "M", "S", "--negative-keep", "-1"], r"--negative-keep must be in \(0, 1\]"),
        (["synth", "--family", "seed", "--scheme", "cpr", "--out", "o", "--inspect", "-1"], "--inspect must be ≥ 0"),
        (["train", "--max-train-examples", "-1"], "max_train_examples must be ≥ 0"),
        (["train", "--dropout", "2"], r"dropout must be in \[0, 1\)"),
        (["train-ner", "--max-length", "0"], "max_length must be at least 16"),
        (["network", "summary", "s.sqlite", "--min-confidence", "nan"], "--min-confidence must be a finite number"),
        (["train", "--lr", "inf"], "--lr must be a finite number"),  # NaN once dropped every scored relation
        (["network", "summary", "s.sqlite", "--min-evidence", "9" * 20], "--min-evidence must be at most"),
    ],
)
def test_cli_numbers_out_of_range_are_refused_before_any_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)  # relative output paths land here
    result = runner.invoke(app, argv, env={"RELNET_HOME": str(tmp_path / "home")})
    assert result.exit_code == 2, result.output
    assert re.search(message, result.output) and "Traceback" not in result.output
    assert not list(tmp_path.iterdir())  # nothing written, not even the registry


def test_cli_zero_where_zero_means_none_passes_the_check(tmp_path: Path) -> None:
    result = runner.invoke(app, ["network", "html", str(tmp_path / "s.sqlite"), str(tmp_path / "o.html"),
                                 "--max-edges", "0"])  # fmt: skip
    assert result.exit_code == 2 and "store not found" in result.output  # past the number check, to the store


def test_cli_a_path_the_file_system_refuses_is_one_line(tmp_path: Path, split_dir: Path) -> None:
    taken = tmp_path / "taken.txt"
    taken.write_text("a file where a folder is wanted")
    result = runner.invoke(app, ["synth", "--family", "seed", "--scheme", "cpr", "--train", str(split_dir),
                                 "--out", str(taken), "--per-class", "2"])  # fmt: skip
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert f"error: File exists: {taken}" in result.output or "not a folder" in result.output


def test_cli_an_output_that_cannot_be_written_is_refused_before_the_model_loads(tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    (tmp_path / "afile").write_text("x")
    for argv, message in [
        (["predict", "M", "S", "--output", str(tmp_path / "taken")], "a folder; give a file name"),
        (["evaluate", "M", "S", "--output", str(tmp_path / "afile")], "a file; give a folder"),
        (["evaluate-ner", "S", "--output", str(tmp_path / "afile" / "x.json")], "afile is a file, not a folder"),
        (["evaluate-mining", "s.sqlite", "S", "--output", str(tmp_path / "taken")], "a folder; give a file name"),
        (["ensemble", "M", "--split", "S", "--output", str(tmp_path / "afile")], "a file; give a folder"),
        (["bench", "--model", "M", "--output", str(tmp_path / "afile")], "a file; give a folder"),
    ]:
        result = runner.invoke(app, argv)
        assert result.exit_code == 2 and message in result.output, result.output  # not "M: model folder not found"


@pytest.mark.parametrize(("command", "option", "default"), [
    ("train", "--epochs", "3"), ("train", "--dropout", "0.1"), ("train-ner", "--epochs", "3"),
])  # fmt: skip
def test_cli_help_shows_each_config_field_default(command: str, option: str, default: str) -> None:
    # rich markup once swallowed "[default: 3]" as a tag: every config-driven flag showed no default
    result = runner.invoke(app, [command, "--help"], terminal_width=240, env={"COLUMNS": "240"})
    assert result.exit_code == 0
    line = next(x for x in result.output.splitlines() if f" {option} " in x)
    assert f"[default: {default}]" in line
