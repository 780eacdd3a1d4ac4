#!/usr/bin/env bash
# relnet's strongest `cpr` models as measured on the ChemProt development split (docs/results.md §3, §7, §10),
# one command per step, each resumable (--resume) and skipped once its summary.json exists:
#   1. cpr-drugprot: ChemProt + leak-filtered DrugProt, 4 epochs          → best single model, dev 0.701 (~50 min)
#   2. a realistic artificial cpr corpus from the training split           (~1 min)
#   3. a warm start on 6,000 of its sentences                              (~10 min)
#   4. the recipe of step 1 from that warm start                           → dev 0.696 (~50 min)
#   5. the ensemble of 1 and 4 (mean of probabilities)                     → dev 0.710, twice the inference time
# Times are for 2 CPU cores. Use RUNS/cpr-drugprot/best for `relnet mine` / `relnet serve` (one model);
# score the ensemble on another split of the same layout with
#   relnet ensemble RUNS/cpr-drugprot/best RUNS/cpr-realistic-then-drugprot/best --split TEST --output OUT
# JOBS=2 trains step 1 beside steps 2-4 (scripts/lib/jobs.bash), each with half the cores.
# Usage: scripts/build_best_cpr.sh [RUNS_DIR] [DATA_DIR]   — models go outside the repository.
set -euo pipefail
source "$(dirname "$0")/lib/jobs.bash"
RUNS=${1:-../runs}
DATA=${2:-../shared/data}
TR=$DATA/chemprot/original/training
DEV=$DATA/chemprot/original/development
DP=$DATA/drugprot
done_or() { [ -f "$1/summary.json" ] && echo "=== $1: done before, skipped" && return 1; echo "=== $1 $(date -u +%H:%M:%S)"; }
drugprot=(--train "$TR" --dev "$DEV" --extra-train "$DP/training" --extra-train "$DP/development")

done_or "$RUNS/cpr-drugprot" &&
  job "$RUNS/cpr-drugprot.log" relnet train --config configs/cpr-drugprot.json "${drugprot[@]}" \
    --output-dir "$RUNS/cpr-drugprot" --resume "${threads[@]}"
[ -f "$RUNS/synth-realistic-cpr/documents.jsonl" ] ||
  relnet synth --train "$TR" --out "$RUNS/synth-realistic-cpr" --family realistic --scheme cpr --per-class 2000 \
    --holdout-fraction 0.2 --jsonl --inspect 20
done_or "$RUNS/cpr-realistic-tokens" &&
  relnet train --config configs/cpr.json --marker-style tokens --train "$RUNS/synth-realistic-cpr" --dev "$DEV" \
    --max-train-examples 6000 --negative-keep 1.0 --max-dev-examples 1000 \
    --output-dir "$RUNS/cpr-realistic-tokens" --resume "${threads[@]}"
done_or "$RUNS/cpr-realistic-then-drugprot" &&
  relnet train --config configs/cpr-drugprot.json "${drugprot[@]}" --init-from "$RUNS/cpr-realistic-tokens/best" \
    --output-dir "$RUNS/cpr-realistic-then-drugprot" --resume "${threads[@]}"
wait_jobs
relnet ensemble "$RUNS/cpr-drugprot/best" "$RUNS/cpr-realistic-then-drugprot/best" --split "$DEV" \
  --output "$RUNS/ensemble-cpr-best"
