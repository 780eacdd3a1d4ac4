#!/usr/bin/env bash
# Lever 5 of issue 16 (docs/results.md §14): continued pretraining that starts by warming up the MLM head.
# all-MiniLM-L6-v2 ships without an MLM head; a random head's first gradients would scramble the encoder, so
#   1. relnet pretrain --freeze-encoder: the head alone, 2 passes over the ChemProt training abstracts, lr 5e-4
#   2. relnet pretrain --encoder that checkpoint: everything trainable, 5 passes, lr 3e-5 (TAPT at a low rate)
# The encoder is then RUNS/warm-tapt/final, for `relnet train --encoder`. ~18 min on 2 cores (bf16, AMD EPYC).
# Resumable: each step is skipped once its summary exists.
# Usage: scripts/build_warm_encoder.sh RUNS_DIR DATA_DIR   e.g. scripts/build_warm_encoder.sh ../runs ../shared/data
set -euo pipefail
source "$(dirname "$0")/lib/venv.bash"
RUNS=$1 DATA=$2
TRAIN=$DATA/chemprot/original/training DEV=$DATA/chemprot/original/development
common=(--sources "$TRAIN" --exclude-splits "$DEV" --whole-word-masking --precision auto)
[ -f "$RUNS/warm-head/summary.json" ] ||
  relnet pretrain "${common[@]}" --output-dir "$RUNS/warm-head" --epochs 2 --lr 5e-4 --freeze-encoder \
    --checkpoint-minutes 0 --overwrite
[ -f "$RUNS/warm-tapt/summary.json" ] ||
  relnet pretrain "${common[@]}" --encoder "$RUNS/warm-head/checkpoint" --output-dir "$RUNS/warm-tapt" \
    --epochs 5 --lr 3e-5 --checkpoint-minutes 10 --resume
echo "encoder: $RUNS/warm-tapt/final"
