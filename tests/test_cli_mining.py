"""Smoke tests of `relnet mine` and `relnet network …` on a tiny model that calls every pair CPR:3."""

from __future__ import annotations

import csv
import json
import math
import re
import sqlite3
from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner

from relnet.cli import app

runner = CliRunner()
TEXT = (
    "1001\tAspirin inhibits COX-2 in platelets. We show that aspirin blocks cyclooxygenase-2 (COX-2) activity.\n"
    "1002\tGefitinib and EGFR. Gefitinib is an antagonist of EGFR. Metformin is a substrate of OCT1.\n"
)
CPR3_SCORE = math.exp(10) / (math.exp(10) + 5)  # the model's softmax of the logits (0, 10, 0, 0, 0, 0)
# the split fixture's within-sentence chemical–gene pairs (tests/conftest.py), chemical first
SPLIT_PAIRS = [("1001", "T1", "T2"), ("1001", "T3", "T4"), ("1001", "T3", "T5"), ("1001", "T6", "T7"),
               ("1001", "T8", "T9"), ("1002", "T1", "T2"), ("1002", "T3", "T4"), ("1002", "T5", "T6")]  # fmt: skip


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from relnet.model.tiny import save_tiny_relation_classifier

    # every pair → CPR:3, so the network is never empty
    return save_tiny_relation_classifier(tmp_path_factory.mktemp("model"), [0.0, 10.0, 0.0, 0.0, 0.0, 0.0])


def _ok(args: list[str]) -> str:
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


def _relations(store: Path, model_id: str | None = None) -> list[tuple]:
    """``(doc_id, chemical text, gene text, label, score)`` of every stored relation (of one model), sorted."""
    sql = """SELECT r.doc_id, c.text, g.text, r.label, r.score FROM relations r
             JOIN mentions c ON c.doc_id = r.doc_id AND c.id = r.arg1 JOIN mentions g ON g.doc_id = r.doc_id
             AND g.id = r.arg2 WHERE ? IS NULL OR r.model_id = ?"""
    with sqlite3.connect(store) as conn:
        return sorted(conn.execute(sql, (model_id, model_id)))


def test_cli_mining_mine_then_network_commands(tmp_path: Path, split_dir: Path, model_dir: Path) -> None:
    text, store = tmp_path / "abstracts.txt", tmp_path / "out.sqlite"
    text.write_text(TEXT)
    mine = ["mine", text, "--model", model_dir, "--store", store, "--tagger", "lexicon", "--lexicon-from", split_dir]
    out = _ok(mine)
    assert "2 mined" in out and re.search(r"relations +6\n +CPR:3 +6\n", out)
    report = json.loads((tmp_path / "out.sqlite.mine.json").read_text())  # the same, machine-readable
    assert (report["documents"], report["relations"], report["tagger"]) == (2, {"CPR:3": 6}, "lexicon")
    # the lexicon's names in each sentence, every chemical with every gene, all CPR:3
    expected = [
        ("1001", "Aspirin", "COX-2"), ("1001", "aspirin", "COX-2"), ("1001", "aspirin", "cyclooxygenase-2"),
        ("1002", "Gefitinib", "EGFR"), ("1002", "Gefitinib", "EGFR"), ("1002", "Metformin", "OCT1"),
    ]  # fmt: skip
    stored = _relations(store)
    assert [r[:3] for r in stored] == expected and {r[3] for r in stored} == {"CPR:3"}
    assert [r[4] for r in stored] == pytest.approx([CPR3_SCORE] * 6, abs=1e-4)
    assert "0 mined, 2 already in the store" in _ok(mine)
    assert _relations(store) == stored

    out = _ok(["network", "summary", store]).splitlines()
    assert out[1].split() == ["documents", "2", "mentions", "11", "entities", "6", "runs", "2"]
    assert out[2].split() == ["relations", "6", "CPR:3=6"]
    assert out[3].split() == ["network", "6", "nodes", "(3", "chemicals,", "3", "genes),", "3", "edges,", "3",
                              "communities"]  # fmt: skip
    out = _ok(["network", "query", store, "cox2", "--hops", "1"])
    assert out.splitlines() == ["2 entities, 1 relations within 1 hop(s) of 'cox2'",
                                "  Aspirin —CPR:3→ COX-2   evidence 2, mean score 1.00"]  # fmt: skip

    edges = [  # source, its name, target, its name, label, group, sentences, documents, mean score
        # aspirin → COX-2: three pairs in two sentences ("cyclooxygenase-2 (COX-2)": one entity, one sentence)
        ["CHEMICAL:aspirin", "Aspirin", "GENE:cox2", "COX-2", "CPR:3", "CPR:3", "2", "1", "0.9998"],
        ["CHEMICAL:gefitinib", "Gefitinib", "GENE:egfr", "EGFR", "CPR:3", "CPR:3", "2", "1", "0.9998"],
        ["CHEMICAL:metformin", "Metformin", "GENE:oct1", "OCT1", "CPR:3", "CPR:3", "1", "1", "0.9998"],
    ]
    for fmt in ("graphml", "cyjs", "csv"):
        _ok(["network", "export", store, tmp_path / f"net.{fmt}", "--format", fmt, "--type", "CPR:3"])
    assert sorted(list(csv.reader((tmp_path / "net.csv").open()))[1:]) == edges
    cyjs = json.loads((tmp_path / "net.cyjs").read_text())["elements"]
    assert sorted(n["data"]["id"] for n in cyjs["nodes"]) == sorted({e[i] for e in edges for i in (0, 2)})
    graphml = nx.read_graphml(tmp_path / "net.graphml", force_multigraph=True)
    assert sorted((u, v, d["evidence"]) for u, v, d in graphml.edges(data=True)) == [
        (e[0], e[2], int(e[6])) for e in edges
    ]
    _ok(["network", "export", store, tmp_path / "cpr4.csv", "--format", "csv", "--type", "CPR:4"])
    assert len((tmp_path / "cpr4.csv").read_text().splitlines()) == 1  # the header: no CPR:4 edge

    _ok(["network", "html", store, tmp_path / "net.html", "--min-evidence", "2", "--min-confidence", "0.5"])
    page = json.loads(re.search(r"const DATA = (.*);\n", (tmp_path / "net.html").read_text()).group(1))
    assert sorted((e["source"], e["target"], e["evidence"]) for e in page["edges"]) == [
        ("CHEMICAL:aspirin", "GENE:cox2", 2), ("CHEMICAL:gefitinib", "GENE:egfr", 2)
    ]  # fmt: skip
    assert sorted(n["name"] for n in page["nodes"]) == ["Aspirin", "COX-2", "EGFR", "Gefitinib"]


def test_cli_mining_uses_gold_mentions_of_a_split(tmp_path: Path, split_dir: Path, model_dir: Path) -> None:
    store = tmp_path / "s.sqlite"
    out = _ok(["mine", split_dir, "--model", model_dir, "--store", store, "--batch-docs", "1"])
    assert re.search(r"^mentions +15\b", out, re.M)
    with sqlite3.connect(store) as conn:
        assert conn.execute("SELECT COUNT(*) FROM mentions").fetchone() == (15,)  # the split's own T1…T15
        assert sorted(conn.execute("SELECT doc_id, arg1, arg2, label FROM relations")) == [
            (*p, "CPR:3") for p in SPLIT_PAIRS
        ]


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
    assert rows["fp32"] == [(*p, "CPR:3") for p in SPLIT_PAIRS]
    assert rows[backend] == rows["fp32"]  # a margin of 10 logits survives int8 rounding


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
    assert len(_relations(store, f"{model_dir.resolve()}+int8")) == len(_relations(store, str(model_dir.resolve())))
    out = _ok(["evaluate-mining", store, split_dir, "--relations-model", f"{model_dir.resolve()}+int8"])
    # 8 pairs called CPR:3 against 6 gold tuples: only Ibuprofen–PPAR-gamma is CPR:3 (tp 1, fp 7, fn 5)
    assert out.strip().splitlines()[-1] == (
        "official P 0.1250 R 0.1667 F1 0.1429 (tp 1, fp 7, fn 5; 0 relations on spans that are not gold mentions; "
        "2 of the split's 2 documents mined)"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["network", "summary", "{tmp}/missing.sqlite"], "store not found"),
        (["network", "summary", "{tmp}"], "a folder, not a store"),
        (["network", "export", "{tmp}/missing.sqlite", "{tmp}/new/x.foo", "--format", "foo"], "unknown export format"),
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
    assert not (tmp_path / "new").exists()  # refused before a folder was made
