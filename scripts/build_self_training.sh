#!/usr/bin/env bash
# Self-training (issue 16): the teacher of scripts/build_student.sh labels pairs of the unlabeled abstracts, and a
# student learns from gold + those pseudo-labelled pairs (and the teacher's soft probabilities on all of them).
#   1. relnet pseudo-label: the first N unlabeled documents that no gold split holds (the unlabeled corpus carries the
#      ChemProt and DrugProt abstracts: dev is dropped so nothing leaks, training and DrugProt so the N documents
#      are all new text — training's dedupe would drop their pairs anyway, gold winning), mentions from NER_MODEL (or the
#      training-split lexicon when NER_MODEL is `lexicon`); for `fine` the cpr GATE keeps pairs it calls related with
#      p >= 0.9 (GATE `none` for `cpr`, whose teacher has its own negative class); the teacher labels them
#      (p >= 0.9), <= CAP pairs per label (with NEG_RATIO=R, `false` is capped at R x the relation pairs kept instead:
#      gold ChemProt has 1.6 per relation; the run folders get a -negR suffix)
#   2. the student: the recipe CONFIG + --extra-train the pseudo-labelled corpus + --teacher the members, for each
#      seed of SEEDS (default "13"; SEEDS="13 14 15" for a mean ± sd, printed by scripts/seed_table.py)
#   3. with REGISTER=NAME: `relnet models add NAME` registers the first seed's student (and NER_MODEL's tagger, or
#      with a lexicon REGISTER_NER's) as the default model of `relnet serve` and `relnet mine`
# JOBS=N trains N of the students side by side, each with its share of the cores (scripts/lib/jobs.bash).
# Resumable: each step is skipped once its output exists. Run scripts/build_student.sh first (the members:
# RUNS/NAME-s13, -s14, -s15; or list them in MEMBERS="dir dir dir").
# Usage: scripts/build_self_training.sh RUNS_DIR DATA_DIR N GATE_MODEL|none NER_MODEL|lexicon [CONFIG] [CAP]
#   fine: scripts/build_self_training.sh ../runs/student ../shared/data 3000 ../runs/cpr-drugprot/best ../runs/ner/best
#   cpr:  scripts/build_self_training.sh ../runs/student ../shared/data 3000 none lexicon configs/cpr-drugprot.json
#   fine, the best recipe (docs/results.md §14, 0.842 ± 0.004; ~25 min of labelling, ~18 min a student):
#     SEEDS="13 14 15" scripts/build_self_training.sh ../runs/student ../shared/data 53960 CPR_GATE lexicon
#   cpr, the best recipe (docs/results.md §14, 0.704 ± 0.004):
#     SEEDS="13 14 15" NEG_RATIO=1.6 REGISTER=cpr-best \
#       scripts/build_self_training.sh ../runs/student ../shared/data 10000 none lexicon configs/cpr-drugprot.json
set -euo pipefail
source "$(dirname "$0")/lib/jobs.bash"
RUNS=$1 DATA=$2 N=$3 GATE=$4 NER=$5
CONFIG=${6:-configs/fine-drugprot.json}
CAP=${7:-2000}
NAME=$(basename "$CONFIG" .json)
DEV=$DATA/chemprot/original/development
SUFFIX=${NEG_RATIO:+-neg$NEG_RATIO}
PSEUDO=$RUNS/pseudo-$NAME-$N$SUFFIX
ratio=(); [ -z "${NEG_RATIO:-}" ] || ratio=(--negative-ratio "$NEG_RATIO")
teacher=()
for m in ${MEMBERS:-$RUNS/$NAME-s13/best $RUNS/$NAME-s14/best $RUNS/$NAME-s15/best}; do teacher+=(--teacher "$m"); done
gate=(); [ "$GATE" = none ] || gate=(--gate "$GATE")
tagger=(--tagger transformer --ner-model "$NER")
[ "$NER" = lexicon ] && tagger=(--tagger lexicon --lexicon-from "$DATA/chemprot/original/training")
[ -f "$PSEUDO/pseudo.json" ] ||
  relnet pseudo-label "$DATA/unlabeled" "${teacher[@]}" "${gate[@]}" --exclude "$DEV" --exclude "$DATA/chemprot/original/training" \
    --exclude "$DATA/drugprot/training" --exclude "$DATA/drugprot/development" "${tagger[@]}" \
    --min-confidence 0.9 --max-per-class "$CAP" "${ratio[@]}" --max-docs "$N" --output "$PSEUDO"
students=()
for seed in ${SEEDS:-13}; do
  out=$RUNS/$NAME-self-$N$SUFFIX-s$seed
  students+=("$out")
  [ -f "$out/summary.json" ] ||
    job "$out.log" relnet train --config "$CONFIG" --train "$DATA/chemprot/original/training" --dev "$DEV" \
      --extra-train "$DATA/drugprot/training" --extra-train "$DATA/drugprot/development" --extra-train "$PSEUDO" \
      --precision auto --seed "$seed" "${teacher[@]}" --distill-alpha 0.5 --distill-temperature 2 --output-dir "$out" \
      --resume "${threads[@]}"
done
wait_jobs
[ ${#students[@]} -lt 2 ] || python scripts/seed_table.py "$NAME-self-$N$SUFFIX=$(IFS=,; echo "${students[*]}")"
if [ -n "${REGISTER:-}" ]; then
  ner=()
  if [ "$NER" != lexicon ]; then
    ner=(--ner "$NER")
    [ -z "${REGISTER_NER:-}" ] || echo "note: REGISTER_NER ignored: $REGISTER is registered with $NER, its tagger" >&2
  elif [ -n "${REGISTER_NER:-}" ]; then ner=(--ner "$REGISTER_NER")
  else
    echo "note: $REGISTER is registered without a tagger (its mentions came from the lexicon): serve and mine" \
      "then need --tagger; REGISTER_NER=NER/best registers one with it" >&2
  fi
  relnet models add "$REGISTER" --relations "${students[0]}/best" "${ner[@]}"
fi
