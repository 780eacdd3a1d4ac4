# Sourced by the recipe scripts: independent trainings (seeds, members, a gate) side by side.
#   JOBS=N   at most N at once (default 1: one after another in the foreground, as before). Each runs in the
#            background with its output in a log file next to its run folder, and gets --threads (the cores this
#            process may use / N; THREADS=T overrides): on a GPU, or a CPU with many cores, N trainings finish
#            sooner than N in a row (docs/results.md §17 measures it on 2 cores).
# job LOG COMMAND…   runs COMMAND (appending "${threads[@]}" is the caller's choice)
# wait_jobs          waits for every job; fails naming the logs of those that failed
JOBS=${JOBS:-1}
if ! [[ $JOBS =~ ^[1-9][0-9]*$ ]]; then echo "error: JOBS must be a positive integer, got '$JOBS'" >&2; exit 2; fi
threads=()
if [ "$JOBS" -gt 1 ] || [ -n "${THREADS:-}" ]; then
  cores=$(nproc)
  threads=(--threads "${THREADS:-$(( cores / JOBS > 0 ? cores / JOBS : 1 ))}")
fi
_job_pids=() _job_logs=()
job() {
  local log=$1
  shift
  if [ "$JOBS" -le 1 ]; then "$@"; return; fi
  while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n || true; done  # statuses are collected by wait_jobs
  mkdir -p "$(dirname "$log")"
  "$@" > "$log" 2>&1 &
  _job_pids+=("$!") _job_logs+=("$log")
  echo "=== started in the background (job ${#_job_pids[@]}, pid $!): output in $log"
}
wait_jobs() {
  local i failed=()
  for i in "${!_job_pids[@]}"; do wait "${_job_pids[$i]}" || failed+=("${_job_logs[$i]}"); done
  _job_pids=() _job_logs=()
  if [ ${#failed[@]} -gt 0 ]; then echo "error: ${#failed[@]} job(s) failed; see ${failed[*]}" >&2; return 1; fi
}
