"""The recipe scripts parse (`bash -n`), and each that takes arguments says how to call it: they run for hours,
so a typo must fail here rather than after the first step."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

SCRIPTS = sorted((Path(__file__).parent.parent / "scripts").glob("*.sh"))


def test_there_are_scripts() -> None:
    assert len(SCRIPTS) >= 5


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_script_parses_and_documents_its_usage(script: Path) -> None:
    parsed = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
    assert parsed.returncode == 0, parsed.stderr
    text = script.read_text()
    assert text.startswith("#!/usr/bin/env bash\n")
    if re.search(r"\$\{?[1-9]", text):  # takes positional arguments
        assert re.search(rf"^# Usage: scripts/{script.name} ", text, re.M), f"{script.name}: no '# Usage:' line"
