from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from relnet.benchmark import BenchConfig, format_bench, run_bench
from relnet.errors import RelnetError


def _relation_model(folder: Path) -> Path:
    from relnet.model.tiny import save_tiny_relation_classifier

    # every pair → CPR:4 by a wide margin: every backend agrees
    return save_tiny_relation_classifier(folder, [0.0, 0.0, 10.0, 0.0, 0.0, 0.0], marker_style="tokens")


def _ner_model(folder: Path) -> Path:
    from transformers import AutoModelForTokenClassification

    from relnet.mentions.ner_model import TagSpace, TransformerTagger
    from relnet.model.tiny import tiny_bert_config, tiny_tokenizer

    tok = tiny_tokenizer()
    space = TagSpace(("CHEMICAL", "GENE"), "flat")
    torch.manual_seed(0)
    model = AutoModelForTokenClassification.from_config(tiny_bert_config(len(tok), num_labels=len(space.labels)))
    TransformerTagger(model, tok, {"labels": space.labels, "types": list(space.types), "tagging": "flat",
                                   "max_length": 64}).save(folder)  # fmt: skip
    return folder


def test_bench_measures_each_backend_against_fp32(
    tmp_path: Path, split_dir: Path, dev_dir: Path, tiny_encoder: Path
) -> None:
    config = BenchConfig(split=str(dev_dir), train_split=str(split_dir), model=str(_relation_model(tmp_path / "m")),
                         ner_model=str(_ner_model(tmp_path / "ner")), backends=["fp32", "int8"], pairs=5, abstracts=2,
                         train_steps=2, train_batch_size=2, encoder=str(tiny_encoder), fresh_process=False)  # fmt: skip
    report = run_bench(config, tmp_path / "out")
    saved = json.loads((tmp_path / "out/bench.json").read_text())
    assert saved["backends"].keys() == {"fp32", "int8"} and saved["machine"]["cpu"]["model"]
    fp32, int8 = saved["backends"]["fp32"], saved["backends"]["int8"]
    assert fp32["relations"]["pairs"] >= 5 and fp32["relations"]["documents"] == 1  # whole abstracts: 8 pairs
    assert fp32["relations"]["ratio_to_fp32"] == 1.0 and int8["relations"]["label_agreement_with_fp32"] == 1.0
    assert int8["relations"]["official_f1"] == fp32["relations"]["official_f1"] > 0  # CPR:4 is right 3 times
    assert fp32["ner"]["abstracts"] == 2 and fp32["mine"]["abstracts"] == 2 and int8["peak_rss_mb"] > 0
    assert saved["training"]["fp32"]["steps"] == 2 and saved["training"]["fp32"]["ratio_to_fp32"] == 1.0
    assert set(saved["training"]["fp32"]["profile_seconds"]) >= {"forward", "backward", "optimizer"}
    assert report["text"] == format_bench(saved) == (tmp_path / "out/bench.txt").read_text().rstrip("\n")
    assert "training fp32" in report["text"] and "int8" in report["text"].splitlines()[3]


def test_bench_runs_each_backend_in_a_fresh_process(tmp_path: Path, dev_dir: Path) -> None:
    config = BenchConfig(split=str(dev_dir), model=str(_relation_model(tmp_path / "m")), backends=["fp32"], pairs=5,
                         train_steps=0)  # fmt: skip
    report = run_bench(config, tmp_path / "out")
    assert report["backends"]["fp32"]["relations"]["official_f1"] > 0 and report["training"] == {}


def test_bench_rejects_unknown_backends_and_empty_runs() -> None:
    with pytest.raises(RelnetError, match="unknown backend"):
        BenchConfig(model="m", backends=["fp16"])
    with pytest.raises(RelnetError, match="nothing to measure"):
        BenchConfig(train_steps=0)


def test_bench_text_shows_micro_f1_where_the_scheme_has_no_official_score() -> None:
    def backend(official: float | None) -> dict:
        rel = {"documents": 3, "pairs": 9, "pairs_per_second": 2.0, "micro_f1": 0.6289, "official_f1": official,
               "ratio_to_fp32": 1.0, "label_agreement_with_fp32": 1.0}  # fmt: skip
        return {"relations": rel, "peak_rss_mb": 100.0}

    machine = {"cpu": {"model": "CPU", "flags": ["avx2"]}, "threads": 2, "torch": "t", "onnxruntime": "o"}
    report = {"machine": machine, "auto": {"relations": "onnx", "ner": "onnx"}, "training": {}}
    fine = format_bench({**report, "backends": {"fp32": backend(None)}})
    assert " 0.6289 " in fine and "micro-F1 over those pairs" in fine
    cpr = format_bench({**report, "backends": {"fp32": backend(0.7317)}})
    assert " 0.7317 " in cpr and " 0.6289 " not in cpr and "official F1 on those abstracts" in cpr
