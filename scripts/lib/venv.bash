# Sourced by every script that calls `relnet`: with no `relnet` on PATH (a fresh clone, no environment activated),
# the repository's own environment from scripts/setup.sh is used, so `scripts/X.sh` runs as the README shows it.
if ! command -v relnet > /dev/null; then
  _venv_bin="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/.venv/bin"
  if [ ! -x "$_venv_bin/relnet" ]; then
    echo "error: no relnet on PATH and none in $_venv_bin: run scripts/setup.sh first (or activate its environment)" >&2
    exit 2
  fi
  PATH="$_venv_bin:$PATH"
  export PATH
fi
