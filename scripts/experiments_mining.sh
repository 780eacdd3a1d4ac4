#!/usr/bin/env bash
# Issue-4 measurements after the relation models exist: NER training, then end-to-end mining of the
# ChemProt development abstracts with gold and with predicted mentions, scored the official way.
# Usage: scripts/experiments_mining.sh [RUNS_DIR] [DATA_DIR]
set -euo pipefail
source "$(dirname "$0")/lib/venv.bash"
RUNS=${1:-../runs}
DATA=${2:-../shared/data}
TR=$DATA/chemprot/original/training
DEV=$DATA/chemprot/original/development
MODEL=$RUNS/cpr-punct/best
echo "=== ner $(date -u +%H:%M:%S)"
# flat: the model of docs §6's rows (the layered default scores higher on NER, the same end to end)
relnet train-ner --train "$TR" --dev "$DEV" --output-dir "$RUNS/ner" --epochs 3 --tagging flat --overwrite
echo "=== mine gold mentions $(date -u +%H:%M:%S)"
rm -f "$RUNS/mine-dev-gold.sqlite" "$RUNS/mine-dev-ner.sqlite"
relnet mine "$DEV" --model "$MODEL" --store "$RUNS/mine-dev-gold.sqlite"
relnet evaluate-mining "$RUNS/mine-dev-gold.sqlite" "$DEV" --output "$RUNS/mine-dev-gold.json"
echo "=== mine predicted mentions $(date -u +%H:%M:%S)"
relnet mine "$DEV" --model "$MODEL" --store "$RUNS/mine-dev-ner.sqlite" --tagger transformer --ner-model "$RUNS/ner/best"
relnet evaluate-mining "$RUNS/mine-dev-ner.sqlite" "$DEV" --output "$RUNS/mine-dev-ner.json"
relnet network summary "$RUNS/mine-dev-ner.sqlite" > "$RUNS/mine-dev-ner-summary.txt"
relnet network html "$RUNS/mine-dev-ner.sqlite" "$RUNS/mine-dev-ner.html"
echo "=== done $(date -u +%H:%M:%S)"
