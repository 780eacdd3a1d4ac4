# Sourced by the recipe scripts: independent trainings (seeds, members, a gate) side by side.
#   JOBS=N   at most N at once (default 1: one after another in the foreground, as before). Each runs in the
#            background with its output in a log file next to its run folder, and gets --threads (the cores this
#            process may use / N; THREADS=T overrides). The N slots are lock files that a recipe shares with the
#            recipes it calls (build_best_fine.sh → build_student.sh), so a nested script's jobs queue for the same
#            N. On a GPU, or a CPU with many cores, N trainings finish sooner than N in a row (docs/results.md §17).
# job LOG COMMAND…   runs COMMAND (appending "${threads[@]}" is the caller's choice)
# wait_jobs          waits for this script's jobs; fails naming the logs of those that failed
source "$(dirname "${BASH_SOURCE[0]}")/venv.bash"  # relnet: on PATH or the repository's .venv
JOBS=${JOBS:-1}
if ! [[ $JOBS =~ ^[1-9][0-9]*$ ]]; then echo "error: JOBS must be a positive integer, got '$JOBS'" >&2; exit 2; fi
if [ "$JOBS" -gt 1 ] && ! command -v flock > /dev/null; then
  echo "error: JOBS=$JOBS needs flock (util-linux) to share the slots; install it or run with JOBS=1" >&2
  exit 2
fi
threads=()
if [ "$JOBS" -gt 1 ] || [ -n "${THREADS:-}" ]; then
  cores=$(env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT nproc)  # the cores this process may use, not OpenMP's setting
  threads=(--threads "${THREADS:-$(( cores / JOBS > 0 ? cores / JOBS : 1 ))}")
fi
_job_pids=() _job_logs=() _own_slots=
if [ "$JOBS" -gt 1 ] && [ -z "${JOBS_SLOTS:-}" ]; then  # the outermost recipe owns the slots
  JOBS_SLOTS=$(mktemp -d) _own_slots=1
  export JOBS JOBS_SLOTS
fi
_jobs_exit() {  # a recipe that stops (an error, Ctrl-C) stops its unfinished jobs too: no training left orphaned
  local pid left
  left=$(jobs -rp)
  if [ -n "$left" ]; then
    echo "=== stopping $(wc -w <<< "$left") unfinished job(s)" >&2
    for pid in $left; do pkill -TERM -P "$pid" 2>/dev/null || true; kill "$pid" 2>/dev/null || true; done
  fi
  if [ -n "$_own_slots" ]; then rm -rf "$JOBS_SLOTS"; fi
}
[ "$JOBS" -le 1 ] || trap _jobs_exit EXIT
_in_slot() {  # become "$@" once one of the JOBS slots is free: the command holds the lock while it runs
  local i fd rc
  while :; do
    for ((i = 1; i <= JOBS; i++)); do
      exec {fd}> "$JOBS_SLOTS/$i"
      rc=0
      flock -n "$fd" || rc=$?
      if [ $rc -eq 0 ]; then
        echo "=== $(date -u +%H:%M:%S) slot $i of $JOBS: $*"
        exec "$@"
      fi
      exec {fd}>&-
      if [ $rc -ne 1 ]; then echo "error: flock failed on $JOBS_SLOTS/$i (status $rc)" >&2; return 2; fi
    done
    sleep 1
  done
}
job() {
  local log=$1
  shift
  if [ "$JOBS" -le 1 ]; then "$@"; return; fi
  mkdir -p "$(dirname "$log")"
  _in_slot "$@" >> "$log" 2>&1 &  # appended: a rerun keeps the log of a failed try
  _job_pids+=("$!") _job_logs+=("$log")
  echo "=== queued for one of $JOBS slots (pid $!): output in $log"
}
wait_jobs() {
  local i failed=()
  for i in "${!_job_pids[@]}"; do
    if wait "${_job_pids[$i]}"; then echo "=== $(date -u +%H:%M:%S) finished: ${_job_logs[$i]}"
    else failed+=("${_job_logs[$i]}"); fi
  done
  _job_pids=() _job_logs=()
  if [ ${#failed[@]} -gt 0 ]; then echo "error: ${#failed[@]} job(s) failed; see ${failed[*]}" >&2; return 1; fi
}
