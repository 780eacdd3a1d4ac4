"""relnet/synth/io.py, run.py, report.py and `relnet synth`: files that read back."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from relnet.corpus.pair_typing import EntityLexicon, PairTyper
from relnet.corpus.scibert import read_scibert_jsonl
from relnet.errors import RelnetError
from relnet.examples.candidates import examples_from_documents
from relnet.examples.labels import get_scheme
from relnet.synth import SynthConfig, generate_corpus, read_synth, synth_to_folder, write_scibert_jsonl


@pytest.mark.parametrize("family", ["seed", "realistic"])
def test_io_read_synth_round_trips(train_dir: Path, tmp_path: Path, family: str) -> None:
    config = SynthConfig(str(train_dir), family, "cpr", per_class=8)
    stats = synth_to_folder(config, tmp_path / "out")
    docs = read_synth(tmp_path / "out")
    assert docs == generate_corpus(config).documents == read_synth(stats["files"]["documents"])
    saved = json.loads((tmp_path / "out" / "stats.json").read_text())
    assert saved["classes"] == dict.fromkeys(get_scheme("cpr").labels, 8)
    with pytest.raises(RelnetError, match="--overwrite"):
        synth_to_folder(config, tmp_path / "out")


@pytest.mark.parametrize(("family", "scheme"), [("seed", "coarse5"), ("realistic", "fine"), ("realistic", "cpr")])
def test_io_scibert_jsonl_parses_back(train_dir: Path, tmp_path: Path, family: str, scheme: str) -> None:
    labels = get_scheme(scheme)
    docs = generate_corpus(SynthConfig(str(train_dir), family, scheme, per_class=6)).documents
    n = write_scibert_jsonl(docs, labels, tmp_path / "s.jsonl")
    parsed = read_scibert_jsonl(tmp_path / "s.jsonl", PairTyper(EntityLexicon.from_documents(docs)))
    ours = list(examples_from_documents(docs, labels))
    assert n == len(parsed) == len(ours)
    assert Counter(e.label for e in parsed) == Counter(dict.fromkeys(labels.labels, 6))
    for p, e in zip(parsed, ours):
        assert p.text == e.text and {p.head_text, p.tail_text} == {e.head_text, e.tail_text}
        assert (p.head, p.tail, p.head_kind) == (e.head, e.tail, "CHEMICAL")  # typed back: chemical at head
    first = json.loads((tmp_path / "s.jsonl").read_text().splitlines()[0])
    assert set(first) == {"text", "label", "metadata"}


def test_io_cli_writes_corpus_jsonl_and_inspection(train_dir: Path, tmp_path: Path) -> None:
    from relnet.cli import app

    out = tmp_path / "cli"
    args = ["synth", "--family", "realistic", "--scheme", "coarse5", "--per-class", "5", "--seed", "13",
            "--train", str(train_dir), "--out", str(out), "--holdout-fraction", "0.2", "--jsonl",
            "--inspect", "2"]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert len(read_synth(out)) == 25 and len(read_scibert_jsonl(out / "scibert.jsonl")) == 25
    stats = json.loads((out / "stats.json").read_text())
    assert stats["held_out"]["CHEMICAL"] and stats["config"]["family"] == "realistic"
    report = (out / "inspect.md").read_text()
    for label in get_scheme("coarse5").labels:
        assert f"## {label}" in report
    assert report.count("### seed (2 sampled)") == 5 and report.count("### realistic (2 sampled)") == 5
    assert "<< " in report and "[[ " in report


def test_cli_synth_takes_every_config_field_as_a_flag(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from relnet.cli import app

    result = CliRunner().invoke(app, ["synth", "--out", str(tmp_path / "s"), "--train", str(tmp_path),
                                      "--scheme", "cpr", "--distractor-share", "2"])  # fmt: skip
    assert result.exit_code == 2 and "distractor_share must be in [0, 1], got 2.0" in result.output
    result = CliRunner().invoke(app, ["synth", "--out", str(tmp_path / "s")])
    assert result.exit_code == 2 and "--train is required" in result.output
