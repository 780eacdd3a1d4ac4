"""Artificial data joins real training data (mixed, capped by ratio) or comes first (``init_from``)."""

from __future__ import annotations

import json
from pathlib import Path

from relnet.synth import SynthConfig, synth_to_folder
from relnet.training.config import TrainConfig
from relnet.training.run import run_training
from tests.conftest import write_split


def test_mixed_training_smoke(tmp_path: Path, tiny_encoder: Path) -> None:
    train = write_split(tmp_path / "training")
    dev = write_split(tmp_path / "development", "development", ids=("2001", "2002"))
    synth = tmp_path / "synth"
    synth_to_folder(SynthConfig(str(train), "seed", "coarse5", 4, 13, 0.0, "uniform"), synth)
    common = dict(train=str(train), dev=str(dev), scheme="coarse5", encoder=str(tiny_encoder), max_length=64,
                  batch_size=4, epochs=1, lr=1e-3)  # fmt: skip
    mixed = run_training(TrainConfig(output_dir=str(tmp_path / "mixed"), extra_train=[str(synth)], extra_ratio=1.0,
                                     **common))  # fmt: skip
    real_size = 8  # coarse5 examples of the fixture split
    assert mixed["train_examples"] == real_size * 2
    # the seed's recipe: artificial only, then continue on the real data from that model
    art = TrainConfig(output_dir=str(tmp_path / "art"), **{**common, "train": str(synth)})
    run_training(art)
    then = run_training(TrainConfig(output_dir=str(tmp_path / "then"), init_from=str(tmp_path / "art/best"), **common))
    assert then["train_examples"] == real_size
    assert json.loads((tmp_path / "then/config.json").read_text())["init_from"].endswith("art/best")
