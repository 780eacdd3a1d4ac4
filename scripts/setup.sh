#!/usr/bin/env bash
# Create .venv and install relnet with pinned CPU PyTorch (torch==2.13.0 is a CPU wheel on this machine's
# disk; an unpinned torch would pull a multi-GB CUDA build) and the bundled default encoder.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
. .venv/bin/activate
python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
python -m pip install -q torch==2.13.0
python -m pip install -q -e ".[dev,scale]"  # scale: Ray and pyarrow, for --engine ray
