#!/usr/bin/env bash
# The issue-2 experiments on the ChemProt development split, one after another (2 CPU cores); JOBS=N trains N of
# the five side by side, each with its share of the cores and its output in RUNS/NAME.log (scripts/lib/jobs.bash).
# Usage: scripts/experiments.sh [RUNS_DIR] [DATA_DIR]   — models go outside the repository.
set -euo pipefail
source "$(dirname "$0")/lib/jobs.bash"
RUNS=${1:-../runs}
DATA=${2:-../shared/data}
TR=$DATA/chemprot/original/training
DEV=$DATA/chemprot/original/development
run() {
  name=$1
  shift
  echo "=== $name $(date -u +%H:%M:%S)"
  job "$RUNS/$name.log" relnet train --train "$TR" --dev "$DEV" --output-dir "$RUNS/$name" --overwrite "$@" "${threads[@]}"
}
run coarse5-baseline --config configs/coarse5.json
run coarse5-oversampled --config configs/coarse5.json --oversample seed
run fine-tokens --config configs/fine.json --marker-style tokens
run fine-punct --config configs/fine.json --marker-style punct
run cpr-punct --config configs/cpr.json
wait_jobs
echo "=== done $(date -u +%H:%M:%S)"
