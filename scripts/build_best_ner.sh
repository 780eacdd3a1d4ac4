#!/usr/bin/env bash
# The best NER recipe (issue 16, docs/results.md §14): a teacher tagger on ChemProt + DrugProt entities, its tags on
# unlabeled abstracts, a student tagger on gold + those tags.
#   1. relnet train-ner: ChemProt training + DrugProt training/development (leak-filtered), 4 epochs, seed SEED
#   2. relnet pseudo-tag: the first N unlabeled documents not in a ChemProt/DrugProt split, tagged by the teacher
#   3. relnet train-ner: the same + --extra-train the tagged documents, 4 epochs, for each seed of SEEDS (default: SEED;
#      SEEDS="13 14 15" for a mean ± sd of the students, all taught by the one teacher, printed by scripts/seed_table.py)
# JOBS=N trains N of the students side by side, each with its share of the cores (scripts/lib/jobs.bash).
# Resumable: each step is skipped once its output exists.
# Usage: scripts/build_best_ner.sh RUNS_DIR DATA_DIR [N] [SEED]   e.g. scripts/build_best_ner.sh ../runs ../shared/data
#   three students of the seed-13 teacher: SEEDS="13 14 15" scripts/build_best_ner.sh ../runs ../shared/data 1000 13
set -euo pipefail
source "$(dirname "$0")/lib/jobs.bash"
RUNS=$1 DATA=$2 N=${3:-1000} SEED=${4:-13}
CP=$DATA/chemprot/original DP=$DATA/drugprot
gold=(--train "$CP/training" --dev "$CP/development" --extra-train "$DP/training" --extra-train "$DP/development")
teacher=$RUNS/ner-drugprot-s$SEED
[ -f "$teacher/dev.json" ] ||
  relnet train-ner "${gold[@]}" --epochs 4 --precision auto --seed "$SEED" --output-dir "$teacher" --resume
tags=$RUNS/pseudo-ner-$N
[ -f "$tags/pseudo.json" ] ||
  relnet pseudo-tag "$DATA/unlabeled" --ner-model "$teacher/best" --max-docs "$N" --output "$tags" \
    --exclude "$CP/training" --exclude "$CP/development" --exclude "$DP/training" --exclude "$DP/development"
students=()
for seed in ${SEEDS:-$SEED}; do
  student=$RUNS/ner-self-$N-s$seed
  students+=("$student")
  [ -f "$student/dev.json" ] ||
    job "$student.log" relnet train-ner "${gold[@]}" --extra-train "$tags" --epochs 4 --precision auto --seed "$seed" \
      --output-dir "$student" --resume "${threads[@]}"
done
wait_jobs
[ ${#students[@]} -lt 2 ] || python scripts/seed_table.py "ner-self-$N=$(IFS=,; echo "${students[*]}")"
echo "the recipe's NER model (the first seed listed, fixed in advance, not picked on dev): ${students[0]}/best"
