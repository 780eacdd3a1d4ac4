"""Import layering: scorers, schema and readers load without torch; examples load without synth."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def _loaded_after(imports: list[str], modules: list[str]) -> dict[str, bool]:
    """Import ``imports`` in a fresh interpreter; which of ``modules`` ended up in ``sys.modules``."""
    code = "; ".join([*(f"import {m}" for m in imports), "import json, sys",
                      f"print(json.dumps({{m: m in sys.modules for m in {modules!r}}}))"])  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


PURE = ["relnet.evaluation.metrics", "relnet.evaluation.official", "relnet.evaluation.spans", "relnet.schema",
        "relnet.corpus"]  # fmt: skip


def test_layers_scorers_schema_and_readers_do_not_import_torch() -> None:
    assert _loaded_after(PURE, ["torch"]) == {"torch": False}


@pytest.mark.parametrize("module", ["relnet.examples.dataset", "relnet.corpus"])
def test_layers_examples_and_corpus_do_not_import_synth(module: str) -> None:
    assert _loaded_after([module], ["relnet.synth"]) == {"relnet.synth": False}
