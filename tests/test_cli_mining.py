"""Smoke tests of `relnet mine` and `relnet network …` on a tiny model that calls every pair CPR:3."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from relnet.cli import app

runner = CliRunner()
TEXT = (
    "1001\tAspirin inhibits COX-2 in platelets. We show that aspirin blocks cyclooxygenase-2 (COX-2) activity.\n"
    "1002\tGefitinib and EGFR. Gefitinib is an antagonist of EGFR. Metformin is a substrate of OCT1.\n"
)


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import torch
    from transformers import AutoTokenizer, BertConfig

    from relnet.model.classifier import RelationClassifier
    from relnet.model.encoder import PairEncoder, resolve_encoder

    tok = AutoTokenizer.from_pretrained(resolve_encoder("default"))
    config = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=64)  # fmt: skip
    enc = PairEncoder.from_config(tok, config, "punct", 64)
    clf = RelationClassifier(enc, ["false", "CPR:3", "CPR:4", "CPR:5", "CPR:6", "CPR:9"], meta={"scheme": "cpr"})
    with torch.no_grad():  # every pair → CPR:3, so the network is never empty
        clf.head.weight.zero_()
        clf.head.bias.copy_(torch.tensor([0.0, 10.0, 0.0, 0.0, 0.0, 0.0]))
    return clf.save(tmp_path_factory.mktemp("model"))


def _ok(args: list[str]) -> str:
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


def test_cli_mining_mine_then_network_commands(tmp_path: Path, split_dir: Path, model_dir: Path) -> None:
    text, store = tmp_path / "abstracts.txt", tmp_path / "out.sqlite"
    text.write_text(TEXT)
    mine = ["mine", text, "--model", model_dir, "--store", store, "--tagger", "lexicon", "--lexicon-from", split_dir]
    out = _ok(mine)
    assert "2 mined" in out and "CPR:3" in out
    assert "0 mined, 2 already in the store" in _ok(mine)

    out = _ok(["network", "summary", store])
    assert "most-targeted genes" in out and "COX-2" in out
    out = _ok(["network", "query", store, "cox2", "--hops", "1"])
    assert "Aspirin —CPR:3→ COX-2" in out and "Gefitinib" not in out
    for fmt in ("graphml", "cyjs", "csv"):
        _ok(["network", "export", store, tmp_path / f"net.{fmt}", "--format", fmt, "--type", "CPR:3"])
        assert (tmp_path / f"net.{fmt}").stat().st_size > 0
    _ok(["network", "html", store, tmp_path / "net.html", "--min-evidence", "1", "--min-confidence", "0.5"])
    assert "Gefitinib" in (tmp_path / "net.html").read_text()


def test_cli_mining_uses_gold_mentions_of_a_split(tmp_path: Path, split_dir: Path, model_dir: Path) -> None:
    out = _ok(["mine", split_dir, "--model", model_dir, "--store", tmp_path / "s.sqlite", "--batch-docs", "1"])
    assert "mentions   15" in out


@pytest.mark.parametrize("backend", ["onnx", "int8", "bf16"])
def test_cli_mining_every_backend_stores_the_same_relations(
    backend: str, tmp_path: Path, split_dir: Path, model_dir: Path
) -> None:
    import sqlite3

    rows = {}
    for name in ("fp32", backend):
        store = tmp_path / f"{name}.sqlite"
        _ok(["mine", split_dir, "--model", model_dir, "--store", store, "--backend", name])
        with sqlite3.connect(store) as conn:
            rows[name] = sorted(conn.execute("SELECT doc_id, arg1, arg2, label FROM relations"))
    assert rows[backend] and rows[backend] == rows["fp32"]  # a margin of 10 logits survives int8 rounding


def test_cli_mining_two_models_in_one_store_are_scored_one_at_a_time(
    tmp_path: Path, split_dir: Path, model_dir: Path
) -> None:
    store = tmp_path / "s.sqlite"
    assert "2 mined" in _ok(["mine", split_dir, "--model", model_dir, "--store", store, "--backend", "fp32"])
    assert "2 mined" in _ok(["mine", split_dir, "--model", model_dir, "--store", store, "--backend", "int8"])
    assert "0 mined, 2 already" in _ok(["mine", split_dir, "--model", model_dir.resolve(), "--store", store,
                                        "--backend", "onnx"])  # fmt: skip
    result = runner.invoke(app, ["evaluate-mining", str(store), str(split_dir)])
    assert result.exit_code == 2 and "relations of 2 models; choose one" in result.output
    out = _ok(["evaluate-mining", store, split_dir, "--relations-model", f"{model_dir.resolve()}+int8"])
    assert out.startswith("official P")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["network", "summary", "{tmp}/missing.sqlite"], "store not found"),
        (["mine", "{tmp}/bad.pubtator", "--model", "{tmp}", "--store", "{tmp}/s.sqlite"], "bad.pubtator:2: "),
        (["mine", "{tmp}/plain.txt", "--model", "{tmp}", "--store", "{tmp}/s.sqlite"], "no mentions in the input"),
    ],
)
def test_cli_mining_errors_are_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / "bad.pubtator").write_text("1|t|Aspirin.\n1\t0\t7\tAspirine\tChemical\tX\n")
    (tmp_path / "plain.txt").write_text("Aspirin inhibits COX-2.\n")
    result = runner.invoke(app, [a.format(tmp=tmp_path) for a in args])
    assert result.exit_code == 2 and message in result.output
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output
