# Sourced by every script that calls `relnet` (and `python scripts/…`): with no `relnet` on PATH, or a `python` that
# cannot import relnet (a fresh clone, no environment activated), the repository's own environment from
# scripts/setup.sh is used, so `scripts/X.sh` runs as the README shows it.
if ! command -v relnet > /dev/null || ! python -c "import relnet" 2> /dev/null; then
  _venv_bin="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/.venv/bin"
  if [ -x "$_venv_bin/relnet" ]; then
    PATH="$_venv_bin:$PATH"
    export PATH
  elif ! command -v relnet > /dev/null; then
    echo "error: no relnet on PATH and none in $_venv_bin: run scripts/setup.sh first (or activate its environment)" >&2
    exit 2
  fi
fi
