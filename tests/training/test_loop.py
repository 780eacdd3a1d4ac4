from __future__ import annotations

import json
from pathlib import Path

import pytest

from relnet.errors import RelnetError
from relnet.training import loop
from relnet.training.config import TrainConfig
from relnet.training.loop import length_grouped_batches, lr_lambda
from relnet.training.run import run_training


def test_loop_schedule_warmup_then_linear_decay() -> None:
    values = [lr_lambda(s, 10, 110) for s in range(111)]
    assert values[0] == pytest.approx(0.1) and values[9] == pytest.approx(1.0)
    assert values[60] == pytest.approx(0.5) and values[110] == 0.0


def test_loop_length_grouped_batches_cover_everything_once() -> None:
    import random

    lengths = [random.Random(0).randint(5, 80) for _ in range(1000)]
    batches = length_grouped_batches(lengths, 16, random.Random(1))
    assert sorted(i for b in batches for i in b) == list(range(1000))
    spread = sum(max(lengths[i] for i in b) - min(lengths[i] for i in b) for b in batches) / len(batches)
    assert spread < 5  # sorted within chunks: little padding


def test_config_rejects_bad_values() -> None:
    with pytest.raises(RelnetError, match="scheme must be one of"):
        TrainConfig(scheme="nope")
    with pytest.raises(RelnetError, match="lr must be"):
        TrainConfig(lr=3)


def _config(tmp: Path, split: Path, encoder: Path, **kw) -> TrainConfig:
    dev = split.parent / "development"
    return TrainConfig(train=str(split), dev=str(dev), output_dir=str(tmp), scheme="cpr", encoder=str(encoder),
                       max_length=64, batch_size=4, epochs=2, lr=1e-3, seed=7, **kw)  # fmt: skip


def test_loop_trains_writes_reports_and_is_deterministic(
    tmp_path: Path, split_dir: Path, dev_dir: Path, tiny_encoder: Path
) -> None:
    a = run_training(_config(tmp_path / "a", split_dir, tiny_encoder))
    b = run_training(_config(tmp_path / "b", split_dir, tiny_encoder))
    for name in ("best/model.safetensors", "dev.json", "dev.txt", "dev_confusion.png", "learning_curves.png",
                 "config.json", "history.json"):  # fmt: skip
        assert (tmp_path / "a" / name).is_file(), name
    ha = json.loads((tmp_path / "a/history.json").read_text())
    hb = json.loads((tmp_path / "b/history.json").read_text())
    assert [e["train_loss"] for e in ha] == [e["train_loss"] for e in hb]
    assert a["micro_f1"] == b["micro_f1"]
    assert json.loads((tmp_path / "a/dev.json").read_text())["official"] is not None


def test_loop_resume_equals_uninterrupted(
    tmp_path: Path, split_dir: Path, dev_dir: Path, tiny_encoder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    full = run_training(_config(tmp_path / "full", split_dir, tiny_encoder))
    # kill the second run at the end of epoch 2, before it saves anything of that epoch
    real_evaluate, calls = loop.evaluate, []

    def evaluate_then_die(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real_evaluate(*args, **kwargs)

    monkeypatch.setattr(loop, "evaluate", evaluate_then_die)
    with pytest.raises(KeyboardInterrupt):
        run_training(_config(tmp_path / "cut", split_dir, tiny_encoder))
    monkeypatch.setattr(loop, "evaluate", real_evaluate)
    resumed = run_training(_config(tmp_path / "cut", split_dir, tiny_encoder), resume=True)
    h_full = json.loads((tmp_path / "full/history.json").read_text())
    h_res = json.loads((tmp_path / "cut/history.json").read_text())
    assert [round(e["train_loss"], 6) for e in h_full] == [round(e["train_loss"], 6) for e in h_res]
    assert full["micro_f1"] == resumed["micro_f1"]


def test_loop_refuses_to_overwrite(tmp_path: Path, split_dir: Path, dev_dir: Path, tiny_encoder: Path) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "file").write_text("keep")
    with pytest.raises(RelnetError, match="not empty"):
        run_training(_config(tmp_path / "x", split_dir, tiny_encoder))


def test_loop_leak_filter_refuses_training_on_the_dev_split(
    tmp_path: Path, split_dir: Path, tiny_encoder: Path
) -> None:
    config = _config(tmp_path / "leak", split_dir, tiny_encoder)
    config.dev = str(split_dir)  # every training document is a dev document: nothing may be trained on
    with pytest.raises(RelnetError, match="no training"):
        run_training(config)


def test_loop_bf16_training_overfits_a_handful(
    tmp_path: Path, split_dir: Path, dev_dir: Path, tiny_encoder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from relnet.model import backends

    # as on a CPU with native bf16 (elsewhere oneDNN emulates bf16: slower, same arithmetic)
    monkeypatch.setattr(backends, "cpu_info", lambda: backends.CpuInfo("test", frozenset({"avx512_bf16"})))
    # dev_dir holds the training texts under other ids: a model that learns at all memorises them
    config = _config(tmp_path / "run", split_dir, tiny_encoder, precision="bf16")
    config.epochs, config.lr, config.patience, config.warmup_ratio, config.dropout = 25, 3e-3, 25, 0.0, 0.0
    result = run_training(config)
    history = json.loads((tmp_path / "run/history.json").read_text())
    assert {e["precision"] for e in history} == {"bf16"} and result["micro_f1"] == 1.0
    assert set(history[0]["profile_seconds"]) == {"tokenize", "collate", "forward", "backward", "optimizer"}


def test_config_rejects_an_unknown_precision() -> None:
    with pytest.raises(RelnetError, match="precision must be one of"):
        TrainConfig(precision="fp8")
