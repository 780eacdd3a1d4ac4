"""`open_run`: what every trainer (relations, NER, masked-LM) does before any work."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from relnet.errors import RelnetError
from relnet.training.core import open_run


def test_open_run_claims_creates_and_sets_threads(tmp_path: Path) -> None:
    cores = torch.get_num_threads()
    try:
        device, out = open_run(tmp_path / "run" / "nested", "cpu", 1, resume=False, overwrite=False)
        assert device == torch.device("cpu") and out.is_dir() and torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(cores)  # process-wide: the tests after this one keep every core
    (out / "history.json").write_text("[]")
    with pytest.raises(RelnetError, match="is not empty: pass --resume"):  # a typo must not mix two runs
        open_run(out, "cpu", 0, resume=False, overwrite=False)
    assert open_run(out, "cpu", 0, resume=True, overwrite=False)[1] == out
    assert torch.get_num_threads() == cores  # 0: leave PyTorch's choice alone


def test_open_run_refuses_a_missing_gpu_before_touching_the_folder(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(RelnetError, match="(?i)cuda"):
        open_run(tmp_path / "run", "cuda", 0, resume=False, overwrite=False)
    assert not (tmp_path / "run").exists()
