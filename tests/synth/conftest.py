"""Fixtures of the synth tests: the tiny training split of `synth_fixtures`, written into tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest
from synth_fixtures import write_chemprot


@pytest.fixture
def train_dir(tmp_path: Path) -> Path:
    return write_chemprot(tmp_path / "training")
