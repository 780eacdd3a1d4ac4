#!/usr/bin/env bash
# Knowledge distillation (issue 16), measured over 3 seeds: a seed ensemble of the DrugProt recipe as the teacher,
# one student per seed trained on the teacher's soft probabilities mixed with the gold labels.
#   1. members: the recipe CONFIG with seeds 13, 14, 15                      (fine: ~15 min each on 2 cores)
#   2. the members' ensemble on dev (mean of probabilities) = the teacher     (~2 min)
#   3. students: the same recipe, seeds 13, 14, 15, --teacher the 3 members  (+ ~2 min each for the teacher)
#   4. mean ± sd of members and students (scripts/seed_table.py), "no difference" under 2 pooled sd
# Every step is resumable and skipped once its summary.json exists. Models go outside the repository.
# MEMBERS_ONLY=1 stops after step 2 (the teacher of scripts/build_self_training.sh). JOBS=3 trains the three members
# (then the three students) side by side, each with its share of the cores (scripts/lib/jobs.bash).
# Usage: scripts/build_student.sh [RUNS_DIR] [DATA_DIR] [CONFIG]   (CONFIG: configs/fine-drugprot.json)
set -euo pipefail
source "$(dirname "$0")/lib/jobs.bash"
RUNS=${1:-../runs/student}
DATA=${2:-../shared/data}
CONFIG=${3:-configs/fine-drugprot.json}
NAME=$(basename "$CONFIG" .json)
DEV=$DATA/chemprot/original/development
data=(--train "$DATA/chemprot/original/training" --dev "$DEV"
      --extra-train "$DATA/drugprot/training" --extra-train "$DATA/drugprot/development" --precision auto)
done_or() { [ -f "$1/summary.json" ] && echo "=== $1: done before, skipped" && return 1; echo "=== $1 $(date -u +%H:%M:%S)"; }
SEEDS=(13 14 15)
members=()
for s in "${SEEDS[@]}"; do
  out=$RUNS/$NAME-s$s
  members+=("$out/best")
  done_or "$out" && job "$out.log" relnet train --config "$CONFIG" "${data[@]}" --seed "$s" --output-dir "$out" \
    --resume "${threads[@]}"
done
wait_jobs
[ -f "$RUNS/$NAME-teacher/ensemble.json" ] ||
  relnet ensemble "${members[@]}" --split "$DEV" --output "$RUNS/$NAME-teacher"
[ -z "${MEMBERS_ONLY:-}" ] || exit 0  # the members and their ensemble only (scripts/build_best_fine.sh)
teacher=()
for m in "${members[@]}"; do teacher+=(--teacher "$m"); done
for s in "${SEEDS[@]}"; do
  out=$RUNS/$NAME-student-s$s
  done_or "$out" && job "$out.log" relnet train --config "$CONFIG" "${data[@]}" --seed "$s" "${teacher[@]}" \
    --distill-alpha 0.5 --distill-temperature 2 --output-dir "$out" --resume "${threads[@]}"
done
wait_jobs
join() { local IFS=,; echo "$*"; }
python scripts/seed_table.py "members=$(join "${members[@]%/best}")" \
  "students=$(join "${SEEDS[@]/#/$RUNS/$NAME-student-s}")" --output "$RUNS/$NAME-seeds"
