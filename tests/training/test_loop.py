from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest
import torch

from relnet.errors import RelnetError
from relnet.evaluation.seeds import run_score
from relnet.pretraining.config import PretrainConfig
from relnet.training import loop
from relnet.training.config import NerConfig, TrainConfig
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
    settings = {"max_length": 64, "batch_size": 4, "epochs": 2, "lr": 1e-3, "seed": 7, **kw}
    return TrainConfig(train=str(split), dev=str(dev), output_dir=str(tmp), scheme="cpr", encoder=str(encoder),
                       **settings)  # fmt: skip


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
    report = json.loads((tmp_path / "a/dev.json").read_text())
    assert run_score(tmp_path / "a") == (report["official"]["f1"], "official F1")  # what scripts/seed_table.py reads


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


def test_loop_resume_after_a_kill_while_writing_the_checkpoint_equals_uninterrupted(
    tmp_path: Path, split_dir: Path, dev_dir: Path, tiny_encoder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed after epoch 2's weights were written but before its optimiser state: the resumed run must not
    pair epoch 2's weights with epoch 1's state (it would train epoch 2 twice and end elsewhere)."""
    from relnet.training import core

    full = run_training(_config(tmp_path / "full", split_dir, tiny_encoder, epochs=3))
    real_save, calls = core.torch.save, []

    def save_then_die(obj, path, *args, **kwargs):
        calls.append(path)
        if len(calls) == 2:  # the trainer state of epoch 2
            raise KeyboardInterrupt
        return real_save(obj, path, *args, **kwargs)

    monkeypatch.setattr(core.torch, "save", save_then_die)
    with pytest.raises(KeyboardInterrupt):
        run_training(_config(tmp_path / "cut", split_dir, tiny_encoder, epochs=3))
    monkeypatch.setattr(core.torch, "save", real_save)
    resumed = run_training(_config(tmp_path / "cut", split_dir, tiny_encoder, epochs=3), resume=True)
    h_full = json.loads((tmp_path / "full/history.json").read_text())
    h_res = json.loads((tmp_path / "cut/history.json").read_text())
    assert [round(e["train_loss"], 6) for e in h_full] == [round(e["train_loss"], 6) for e in h_res]
    assert full["micro_f1"] == resumed["micro_f1"]
    assert not list((tmp_path / "cut").glob("*.partial")) and not list((tmp_path / "cut").glob("*.old"))


def test_loop_resume_keeps_the_early_stopping_state(
    tmp_path: Path, split_dir: Path, dev_dir: Path, tiny_encoder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from types import SimpleNamespace

    def scripted(scores: list[float]):
        """An evaluate that reports these dev scores, one per epoch; None: the process dies there."""
        it = iter(scores)

        def evaluate(*args, **kwargs):
            f1 = next(it)
            if f1 is None:
                raise KeyboardInterrupt
            result = {"f1": f1, "precision": f1, "recall": f1}
            return SimpleNamespace(micro=result, macro=result, to_json=lambda: {"micro": result})

        return evaluate

    def config(folder: str) -> TrainConfig:
        return _config(tmp_path / folder, split_dir, tiny_encoder, patience=2, epochs=5)

    monkeypatch.setattr(loop, "evaluate", scripted([0.5, 0.4, 0.3, 0.6, 0.7]))
    run_training(config("full"))
    monkeypatch.setattr(loop, "evaluate", scripted([0.5, 0.4, None]))  # dies after epoch 2 (one stale epoch)
    with pytest.raises(KeyboardInterrupt):
        run_training(config("cut"))
    monkeypatch.setattr(loop, "evaluate", scripted([0.3, 0.6, 0.7]))
    run_training(config("cut"), resume=True)
    h_full = json.loads((tmp_path / "full/history.json").read_text())
    h_res = json.loads((tmp_path / "cut/history.json").read_text())
    assert len(h_full) == len(h_res) == 3  # the second stale epoch stops both; a reset counter would train on
    assert [round(e["train_loss"], 6) for e in h_full] == [round(e["train_loss"], 6) for e in h_res]


@pytest.mark.parametrize("marker", ["kept", "missing"])  # missing: a best/ written before checkpoint.json existed
def test_loop_a_kill_between_the_last_and_best_swaps_keeps_best_the_epoch_history_names(
    tmp_path: Path, split_dir: Path, dev_dir: Path, tiny_encoder: Path, monkeypatch: pytest.MonkeyPatch, marker: str
) -> None:
    """Killed after epoch 2 improved and one of best/ and last/ was swapped in, not the other. Training epoch 2
    again is no repair where it is not deterministic (a GPU): a second try scored lower would leave best/ holding
    the first try's weights under a history that names epoch 1. best/ must hold the epoch history names best."""
    from types import SimpleNamespace

    from relnet.training import core

    def scripted(scores: list[float]):
        it = iter(scores)

        def evaluate(*args, **kwargs):
            result = {"f1": next(it), "precision": 0.0, "recall": 0.0}
            return SimpleNamespace(micro=result, macro=result, to_json=lambda: {"micro": result})

        return evaluate

    config = _config(tmp_path / "cut", split_dir, tiny_encoder, epochs=3)
    real_write, writes = core.write_folder, []

    def write_then_die(folder, write):
        writes.append(Path(folder).name)
        if len(writes) == 4:  # epoch 2's second checkpoint swap
            raise KeyboardInterrupt
        return real_write(folder, write)

    monkeypatch.setattr(core, "write_folder", write_then_die)
    monkeypatch.setattr(loop, "evaluate", scripted([0.5, 0.6]))
    with pytest.raises(KeyboardInterrupt):
        run_training(config)
    monkeypatch.setattr(core, "write_folder", real_write)
    if marker == "missing":
        (tmp_path / "cut/best/checkpoint.json").unlink()
    monkeypatch.setattr(loop, "evaluate", scripted([0.45, 0.4, 0.4, 0.4]))  # a second try at epoch 2 scores lower
    run_training(config, resume=True)
    summary = json.loads((tmp_path / "cut/summary.json").read_text())
    best = json.loads((tmp_path / "cut/best/relnet_model.json").read_text())  # the model's own record of its epoch
    assert best["epoch"] == summary["best_epoch"] == 2  # epoch 2 (0.6) finished: its last/ holds its weights
    assert sorted(p.name for p in (tmp_path / "cut").iterdir() if p.is_dir()) == ["best", "last"]
    assert json.loads((tmp_path / "cut/best/checkpoint.json").read_text()) == {"epoch": 2}


@pytest.mark.parametrize("record", ["kept", "missing"])  # missing: a run finished before checkpoint.json existed
def test_loop_resume_needs_no_warm_start_and_keeps_the_calibrated_best(
    tmp_path: Path, split_dir: Path, dev_dir: Path, tiny_encoder: Path, caplog: pytest.LogCaptureFixture, record: str
) -> None:
    """A run resumed from last/ never reads --init-from again (deleted since: no error); the calibrated best/
    keeps the epoch it holds (its record, else its model's own), so resuming a finished run neither rewrites nor
    calibrates it again."""
    import shutil

    run_training(_config(tmp_path / "warm", split_dir, tiny_encoder, epochs=1))
    config = _config(tmp_path / "run", split_dir, tiny_encoder, epochs=1, init_from=str(tmp_path / "warm/best"),
                     calibration_holdout=0.5)  # fmt: skip
    first = run_training(config)  # one epoch: best/ holds last/'s epoch, the case `_mend_best` looks at
    calibrated = (tmp_path / "run/best/model.safetensors").read_bytes()
    assert json.loads((tmp_path / "run/best/checkpoint.json").read_text()) == {"epoch": first["best_epoch"]}
    shutil.rmtree(tmp_path / "warm")
    if record == "missing":
        for folder in ("best", "last"):
            (tmp_path / "run" / folder / "checkpoint.json").unlink()
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="relnet"):
        again = run_training(config, resume=True)
    assert "written from last/" not in caplog.text and "calibration on" not in caplog.text
    assert again["micro_f1"] == first["micro_f1"]
    assert (tmp_path / "run/best/model.safetensors").read_bytes() == calibrated
    assert "calibration" in json.loads((tmp_path / "run/best/relnet_model.json").read_text())


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
    assert {e["device"] for e in history} == {"cuda" if torch.cuda.is_available() else "cpu"}  # device auto
    assert set(history[0]["profile_seconds"]) == {"collate", "forward", "backward", "optimizer"}


def test_config_rejects_an_unknown_precision() -> None:
    with pytest.raises(RelnetError, match="precision must be one of"):
        TrainConfig(precision="fp8")
    with pytest.raises(RelnetError, match="device must be one of auto, cpu, cuda, got 'gpu'"):
        TrainConfig(device="gpu")
    for config in (TrainConfig, NerConfig, PretrainConfig):
        with pytest.raises(RelnetError, match=r"threads must be ≥ 0 \(0 = every core\), got -2"):
            config(threads=-2)


def test_config_file_paths_are_relative_to_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "configs").mkdir()
    preset = tmp_path / "configs/p.json"
    preset.write_text(json.dumps({"train": "../data/training", "extra_train": ["../data/drugprot", "/abs/extra"],
                                  "encoder": "default"}))  # fmt: skip
    monkeypatch.chdir(tmp_path / "configs")  # any working directory: the same paths
    config = TrainConfig.from_file(preset, dev="given/on/the/command/line")
    assert config.train == str(tmp_path / "data/training")
    assert config.extra_train == [str(tmp_path / "data/drugprot"), "/abs/extra"]
    assert config.dev == "given/on/the/command/line" and config.encoder == "default"
    # a model is a path relative to the file, or a registered model's bare name (resolved when the run starts)
    from relnet import registry
    from relnet.model.tiny import save_tiny_relation_classifier

    monkeypatch.setenv("RELNET_HOME", str(tmp_path / "home"))
    registry.add("cpr-best", save_tiny_relation_classifier(tmp_path / "m", [0.0] * 6), make_default=False)
    (tmp_path / "configs/teacher").mkdir()
    preset.write_text(json.dumps({"teacher": ["teacher", "cpr-best", "../runs/t/best", "unknown"],
                                  "init_from": "cpr-best"}))  # fmt: skip
    monkeypatch.chdir(tmp_path / "configs")
    config = TrainConfig.from_file(preset)
    assert config.teacher == [str(tmp_path / "configs/teacher"), "cpr-best", str(tmp_path / "runs/t/best"),
                              str(tmp_path / "configs/unknown")]  # fmt: skip
    assert config.init_from == "cpr-best"
    preset.write_text('{"train": "x",\n "epochs": }')
    with pytest.raises(RelnetError, match=r"p.json: line 2: not valid JSON"):
        TrainConfig.from_file(preset)


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ({"epochs": "3"}, 'epochs must be an integer, got "3"'),
        ({"epochs": True}, "epochs must be an integer, got true"),
        ({"lr": "6e-5"}, 'lr must be a float, got "6e-5"'),
        ({"extra_train": "../drugprot"}, 'extra_train must be a list of strings, got "../drugprot"'),
        ({"class_weights": 1}, "class_weights must be a bool, got 1"),
    ],
)
def test_a_config_value_of_the_wrong_type_is_named(tmp_path: Path, setting: dict, message: str) -> None:
    preset = tmp_path / "p.json"
    preset.write_text(json.dumps({"scheme": "fine", **setting}))
    with pytest.raises(RelnetError, match=re.escape(f"p.json: {message}")):
        TrainConfig.from_file(preset)
    preset.write_text("[1, 2]")
    with pytest.raises(RelnetError, match="p.json: a config is a JSON object of settings, got a list"):
        TrainConfig.from_file(preset)
    preset.write_text(json.dumps({"epochs": 2, "warmup_ratio": 0, "negative_keep": 1}))  # ints for floats: fine
    assert TrainConfig.from_file(preset).negative_keep == 1


def test_a_list_flag_replacing_the_presets_list_is_said_aloud(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    preset = tmp_path / "p.json"
    preset.write_text(json.dumps({"extra_train": ["/data/drugprot"]}))
    with caplog.at_level("WARNING", logger="relnet"):
        config = TrainConfig.from_file(preset, extra_train=["/runs/pseudo"])
    assert config.extra_train == ["/runs/pseudo"]  # replaced, as documented ...
    assert "--extra-train replaces p.json's extra_train, dropping ['/data/drugprot']" in caplog.text  # ... and said
    caplog.clear()
    with caplog.at_level("WARNING", logger="relnet"):
        TrainConfig.from_file(preset, extra_train=["/data/drugprot", "/runs/pseudo"])
        TrainConfig.from_file(preset)
    assert "replaces" not in caplog.text


def test_cli_extra_train_can_be_emptied(
    tmp_path: Path, split_dir: Path, dev_dir: Path, tiny_encoder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from relnet.cli import app

    preset = tmp_path / "preset.json"
    preset.write_text(json.dumps({"train": "training", "dev": "development", "extra_train": ["missing/drugprot"],
                                  "max_steps": 1, "epochs": 1, "batch_size": 4, "max_length": 64}))  # fmt: skip
    monkeypatch.chdir(split_dir.parent.parent)  # not the preset's folder
    result = CliRunner().invoke(app, ["train", "--config", str(preset), "--extra-train", "", "--encoder",
                                      str(tiny_encoder), "--output-dir", str(tmp_path / "run")])  # fmt: skip
    assert result.exit_code == 0, result.output
    saved = json.loads((tmp_path / "run/config.json").read_text())
    assert saved["extra_train"] == [] and saved["train"] == str(split_dir)


def test_loop_device_cuda_without_a_gpu_fails_before_any_work(
    tmp_path: Path, split_dir: Path, dev_dir: Path, tiny_encoder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(RelnetError, match="--device cuda: PyTorch sees no CUDA GPU here"):
        run_training(_config(tmp_path / "run", split_dir, tiny_encoder, device="cuda"))
    assert not (tmp_path / "run").exists()  # not even the output folder
