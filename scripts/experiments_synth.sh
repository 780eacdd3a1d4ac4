#!/usr/bin/env bash
# Issue-3 experiments on coarse5 (ChemProt development split, 2 CPU cores), most informative first:
# artificial only (both families), artificial then real (the seed's "5 + 1", scaled down), and real data
# mixed with realistic artificial data at 0.25× and 0.5× the real size (seed-family mixing and 1× are the same
# command with the other corpus or --extra-ratio 1.0; not run yet). Each run is a `relnet train`; results:
# python scripts/results_table.py RUNS/synth-exp/*.
# Usage: scripts/experiments_synth.sh [RUNS_DIR] [DATA_DIR]   — corpora and models go outside the repository.
set -euo pipefail
RUNS=${1:-../runs}
DATA=${2:-../shared/data}
TR=$DATA/chemprot/original/training
DEV=$DATA/chemprot/original/development
OUT=$RUNS/synth-exp
for family in seed realistic; do  # generated from the training split only (see `relnet synth --help`)
  [ -f "$RUNS/synth-$family-coarse5/documents.jsonl" ] || relnet synth --train "$TR" --out "$RUNS/synth-$family-coarse5" \
    --family "$family" --scheme coarse5 --per-class 2000 --holdout-fraction 0.2 --jsonl --inspect 20
done
run() { name=$1; shift; echo "=== $name $(date -u +%H:%M:%S)"
  relnet train --config configs/coarse5.json --dev "$DEV" --output-dir "$OUT/$name" --overwrite "$@"; }
for family in seed realistic; do
  run "artificial-$family" --train "$RUNS/synth-$family-coarse5" --max-train-examples 5000 --epochs 2
  run "artificial-$family-then-real" --train "$TR" --init-from "$OUT/artificial-$family/best" --epochs 1
done
run mixed-realistic-0.5 --train "$TR" --extra-train "$RUNS/synth-realistic-coarse5" --extra-ratio 0.5
run mixed-realistic-0.25 --train "$TR" --extra-train "$RUNS/synth-realistic-coarse5" --extra-ratio 0.25
echo "=== done $(date -u +%H:%M:%S)"
