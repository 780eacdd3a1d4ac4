#!/usr/bin/env bash
# Set up and run the tests: Debian's Chromium for the browser tests (skipped without it), the venv, ruff, pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ]; then
  { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; } \
    || echo "warning: could not install chromium; the browser tests will be skipped" >&2
fi
scripts/setup.sh
.venv/bin/ruff check relnet tests scripts && .venv/bin/ruff format --check relnet tests scripts
.venv/bin/python -m pytest -q
