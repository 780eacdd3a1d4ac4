"""The store, the network and the command line start without PyTorch: `relnet network summary` on a laptop
without a model should not pay for torch's import (seconds)."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize("module", ["relnet.store", "relnet.network", "relnet.network.api", "relnet.cli",
                                    "relnet.relations.evidence", "relnet.training.config"])  # fmt: skip
def test_import_leaves_torch_out(module: str) -> None:
    code = f"import sys, {module}; print(sorted(m for m in ('torch', 'transformers') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", f"{module} imports {out.strip()}"
