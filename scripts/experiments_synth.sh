#!/usr/bin/env bash
# Issue-3 experiments (ChemProt development split, 2 CPU cores), for `coarse5` and `cpr`: artificial only
# (both families), artificial then real (the seed's "5 + 1", scaled down to 2 + 1), and real data mixed with
# artificial data at several ratios of the real size. Each run is a `relnet train`. A finished run (its
# summary.json, the last file written, exists) is skipped and an interrupted one resumes from its last epoch,
# so the script can be stopped and started again; SYNTH_CORE_ONLY=1 stops before the two least informative
# runs. Results: python scripts/results_table.py RUNS/synth-exp/*.
# Usage: scripts/experiments_synth.sh [RUNS_DIR] [DATA_DIR]   — corpora and models go outside the repository.
set -euo pipefail
source "$(dirname "$0")/lib/venv.bash"
RUNS=${1:-../runs}
DATA=${2:-../shared/data}
TR=$DATA/chemprot/original/training
DEV=$DATA/chemprot/original/development
OUT=$RUNS/synth-exp
for scheme in coarse5 cpr; do
  for family in seed realistic; do  # generated from the training split only (see `relnet synth --help`)
    corpus=$RUNS/synth-$family-$scheme
    [ -f "$corpus/documents.jsonl" ] || relnet synth --train "$TR" --out "$corpus" \
      --family "$family" --scheme "$scheme" --per-class 2000 --holdout-fraction 0.2 --jsonl --inspect 20
  done
done
run() { config=$1 name=$2; shift 2
  if [ -f "$OUT/$name/summary.json" ]; then echo "=== $name: done before, skipped"; return; fi
  echo "=== $name $(date -u +%H:%M:%S)"
  relnet train --config "$config" --dev "$DEV" --output-dir "$OUT/$name" --resume "$@"; }
# coarse5 (configs/coarse5.json: 3 epochs); the cpr names carry a cpr- prefix (configs/cpr.json: 2 epochs).
for family in seed realistic; do
  run configs/coarse5.json "artificial-$family" --train "$RUNS/synth-$family-coarse5" --max-train-examples 5000 --epochs 2
  run configs/coarse5.json "artificial-$family-then-real" --train "$TR" --init-from "$OUT/artificial-$family/best" --epochs 1
done
run configs/coarse5.json mixed-realistic-0.5 --train "$TR" --extra-train "$RUNS/synth-realistic-coarse5" --extra-ratio 0.5
run configs/coarse5.json mixed-realistic-0.25 --train "$TR" --extra-train "$RUNS/synth-realistic-coarse5" --extra-ratio 0.25
run configs/coarse5.json mixed-seed-0.5 --train "$TR" --extra-train "$RUNS/synth-seed-coarse5" --extra-ratio 0.5
run configs/cpr.json cpr-mixed-realistic-0.5 --train "$TR" --extra-train "$RUNS/synth-realistic-cpr" --extra-ratio 0.5
run configs/cpr.json cpr-artificial-realistic --train "$RUNS/synth-realistic-cpr" --max-train-examples 6000 --negative-keep 1.0
run configs/cpr.json cpr-artificial-realistic-then-real --train "$TR" --init-from "$OUT/cpr-artificial-realistic/best" \
  --epochs 1
run configs/cpr.json cpr-artificial-seed --train "$RUNS/synth-seed-cpr" --max-train-examples 6000 --negative-keep 1.0
[ "${SYNTH_CORE_ONLY:-0}" = 1 ] && { echo "=== core runs done $(date -u +%H:%M:%S)"; exit 0; }
run configs/coarse5.json mixed-realistic-1.0 --train "$TR" --extra-train "$RUNS/synth-realistic-coarse5" --extra-ratio 1.0
run configs/cpr.json cpr-artificial-seed-then-real --train "$TR" --init-from "$OUT/cpr-artificial-seed/best" --epochs 1
echo "=== done $(date -u +%H:%M:%S)"
