"""Training and inference on an NVIDIA GPU: skipped where PyTorch sees none (CI), run on a GPU machine.

The rest of the suite runs there too with ``device auto`` (then the GPU): these add what only a GPU shows —
weights and batches on the device, bf16 autocast there, checkpoints that resume on the CPU, logits that match
the CPU's.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from relnet.corpus import read_documents
from relnet.examples.candidates import examples_from_documents
from relnet.examples.labels import get_scheme
from relnet.model.classifier import RelationClassifier
from relnet.training.config import NerConfig, TrainConfig
from relnet.training.ner import train_ner
from relnet.training.run import run_training

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="PyTorch sees no CUDA GPU")


def _config(out: Path, split: Path, encoder: Path, **kw) -> TrainConfig:
    settings = {"max_length": 64, "batch_size": 4, "epochs": 25, "lr": 3e-3, "seed": 7, "patience": 25,
                "warmup_ratio": 0.0, "dropout": 0.0, **kw}  # fmt: skip
    return TrainConfig(train=str(split), dev=str(split.parent / "development"), output_dir=str(out), scheme="cpr",
                       encoder=str(encoder), **settings)  # fmt: skip


def test_cuda_training_in_bf16_overfits_a_handful(tmp_path: Path, split_dir: Path, dev_dir: Path, tiny_encoder: Path):
    result = run_training(_config(tmp_path / "run", split_dir, tiny_encoder, precision="auto", device="cuda"))
    history = json.loads((tmp_path / "run/history.json").read_text())
    assert {e["device"] for e in history} == {"cuda"} and {e["precision"] for e in history} == {"bf16"}
    assert result["micro_f1"] == 1.0 and history[-1]["gpu_max_memory_mb"] > 0


def test_cuda_runs_with_one_seed_are_the_same_run(tmp_path: Path, split_dir: Path, dev_dir: Path, tiny_encoder: Path):
    a = run_training(_config(tmp_path / "a", split_dir, tiny_encoder, epochs=3, device="cuda", precision="bf16"))
    b = run_training(_config(tmp_path / "b", split_dir, tiny_encoder, epochs=3, device="cuda", precision="bf16"))
    losses = [[e["train_loss"] for e in json.loads((tmp_path / r / "history.json").read_text())] for r in "ab"]
    assert losses[0] == losses[1] and a["micro_f1"] == b["micro_f1"]


def test_cuda_checkpoint_resumes_on_the_cpu(
    tmp_path: Path, split_dir: Path, dev_dir: Path, tiny_encoder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_training(_config(tmp_path / "run", split_dir, tiny_encoder, epochs=1, device="cuda"))
    # as on a machine without a GPU: GPU tensors in the checkpoint would not load there
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    resumed = run_training(_config(tmp_path / "run", split_dir, tiny_encoder, epochs=2, device="cpu"), resume=True)
    history = json.loads((tmp_path / "run/history.json").read_text())
    assert [e["device"] for e in history] == ["cuda", "cpu"] and 0 <= resumed["micro_f1"] <= 1


def test_cuda_backend_logits_match_the_cpu(split_dir: Path, tiny_encoder: Path, tmp_path: Path) -> None:
    from relnet.model.tiny import save_tiny_relation_classifier

    folder = save_tiny_relation_classifier(tmp_path / "m", [0.1, 0.2, 0.0, -0.1, 0.3, 0.0], random_head=True)
    examples = list(examples_from_documents(read_documents(split_dir), get_scheme("cpr")))
    cpu = RelationClassifier.load(folder).predict_proba(examples)
    gpu_model = RelationClassifier.load(folder, backend="cuda")
    assert gpu_model.backend == "cuda" and gpu_model.device.type == "cuda"
    gpu = gpu_model.predict_proba(examples)
    assert gpu.device.type == "cpu" and torch.allclose(cpu, gpu, atol=1e-4)
    assert RelationClassifier.load(folder, backend="auto").backend == "cuda"  # auto takes the GPU


def test_cuda_ner_training_and_tagging(tmp_path: Path, split_dir: Path, dev_dir: Path, tiny_encoder: Path) -> None:
    from relnet.mentions.ner_model import TransformerTagger

    config = NerConfig(train=str(split_dir), dev=str(dev_dir), output_dir=str(tmp_path / "ner"),
                       encoder=str(tiny_encoder), epochs=2, max_length=64, batch_size=4, device="cuda")  # fmt: skip
    result = train_ner(config)
    history = json.loads((tmp_path / "ner/history.json").read_text())
    assert {e["device"] for e in history} == {"cuda"} and 0 <= result["micro_f1"] <= 1
    docs = read_documents(dev_dir)
    on_cpu = TransformerTagger.load(tmp_path / "ner/best").tag_many(docs)
    on_gpu = TransformerTagger.load(tmp_path / "ner/best", backend="cuda").tag_many(docs)
    assert [d.mentions for d in on_cpu] == [d.mentions for d in on_gpu]


def test_cuda_pretraining_steps(tmp_path: Path, split_dir: Path, tiny_encoder: Path) -> None:
    from relnet.pretraining.config import PretrainConfig
    from relnet.pretraining.loop import pretrain

    config = PretrainConfig(sources=[str(split_dir)], encoder=str(tiny_encoder), output_dir=str(tmp_path / "mlm"),
                            max_seq_length=32, batch_size=4, max_steps=4, device="cuda")  # fmt: skip
    summary = pretrain(config)
    assert summary["finished"] and summary["final_loss"] > 0
