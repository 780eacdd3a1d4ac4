#!/usr/bin/env bash
# relnet's best `fine` single model as measured on the ChemProt development split (docs/results.md §14), one command:
# 0.842 ± 0.004 micro-F1 over three seeds (members 0.827 ± 0.007; their ensemble, the teacher, 0.842). Resumable:
# every step is skipped once its output exists.
#   1. the gate, which says whether a pair is related at all: GATE_CONFIG (configs/cpr.json, ChemProt only,
#      2 epochs, seed 13: dev 0.64)                                                           (~15 min)
#   2. members: configs/fine-drugprot.json, seeds 13/14/15, and their ensemble = the teacher  (~15 min a member)
#   3. scripts/build_self_training.sh: lexicon mentions in the first N unlabeled documents that no gold split holds
#      (default all 53,960), the gate and the teacher's confident labels (p >= 0.9), then one student per seed of
#      SEEDS (default "13 14 15") on gold + those pairs, distilled from the teacher     (~25 min + ~18 min a seed)
# Times for 2 cores with AVX-512 BF16 (bf16 training); ~3.5x longer on one without (fp32; docs §11). REGISTER=NAME
# registers the first seed's student for `relnet serve` / `relnet mine`. GATE_CONFIG=configs/cpr-drugprot.json
# trains the stronger gate (dev 0.70; ~55 min), not measured with this recipe. JOBS=4 trains the gate and the three
# members side by side, then the three students (scripts/lib/jobs.bash; on one GPU, an estimate from docs §15's
# times: ~20 min in all, not yet measured).
# Usage: scripts/build_best_fine.sh [RUNS_DIR] [DATA_DIR] [N]   — models go outside the repository.
set -euo pipefail
source "$(dirname "$0")/lib/jobs.bash"
RUNS=${1:-../runs/fine}
DATA=${2:-../shared/data}
N=${3:-53960}
CP=$DATA/chemprot/original
GATE_CONFIG=${GATE_CONFIG:-configs/cpr.json}
gate=$RUNS/gate-$(basename "$GATE_CONFIG" .json)
[ -f "$gate/summary.json" ] ||  # first: with JOBS > 1 it trains beside the members
  job "$gate.log" relnet train --config "$GATE_CONFIG" --train "$CP/training" --dev "$CP/development" --precision auto \
    --seed 13 --output-dir "$gate" --resume "${threads[@]}"
MEMBERS_ONLY=1 scripts/build_student.sh "$RUNS" "$DATA" configs/fine-drugprot.json  # its members share the JOBS
wait_jobs
SEEDS=${SEEDS:-13 14 15} scripts/build_self_training.sh "$RUNS" "$DATA" "$N" "$gate/best" lexicon configs/fine-drugprot.json
