#!/usr/bin/env bash
# Self-training (issue 16): the teacher of scripts/build_student.sh labels pairs of the unlabeled abstracts, and a
# student learns from gold + those pseudo-labelled pairs (and the teacher's soft probabilities on all of them).
#   1. relnet pseudo-label: the first N unlabeled documents (dev PMIDs dropped), NER mentions, the cpr GATE keeps
#      pairs it calls related with p ≥ 0.9, the fine teacher labels them (p ≥ 0.9), ≤ CAP pairs per type
#   2. the student: the recipe CONFIG + --extra-train the pseudo-labelled corpus + --teacher the members, seed 13
# Resumable: each step is skipped once its output exists. Run scripts/build_student.sh first (the members).
# Usage: scripts/build_self_training.sh RUNS_DIR DATA_DIR N GATE_MODEL NER_MODEL [CONFIG] [CAP]
#   e.g. scripts/build_self_training.sh ../runs/student ../shared/data 3000 ../runs/cpr-drugprot/best ../runs/ner/best
set -euo pipefail
RUNS=$1 DATA=$2 N=$3 GATE=$4 NER=$5
CONFIG=${6:-configs/fine-drugprot.json}
CAP=${7:-2000}
NAME=$(basename "$CONFIG" .json)
DEV=$DATA/chemprot/original/development
PSEUDO=$RUNS/pseudo-$NAME-$N
teacher=()
for s in 13 14 15; do teacher+=(--teacher "$RUNS/$NAME-s$s/best"); done
[ -f "$PSEUDO/pseudo.json" ] ||
  relnet pseudo-label "$DATA/unlabeled" "${teacher[@]}" --gate "$GATE" --exclude "$DEV" --tagger transformer \
    --ner-model "$NER" --min-confidence 0.9 --max-per-class "$CAP" --max-docs "$N" --output "$PSEUDO"
out=$RUNS/$NAME-self-$N-s13
[ -f "$out/summary.json" ] ||
  relnet train --config "$CONFIG" --train "$DATA/chemprot/original/training" --dev "$DEV" \
    --extra-train "$DATA/drugprot/training" --extra-train "$DATA/drugprot/development" --extra-train "$PSEUDO" \
    --precision auto --seed 13 "${teacher[@]}" --distill-alpha 0.5 --distill-temperature 2 --output-dir "$out" --resume
