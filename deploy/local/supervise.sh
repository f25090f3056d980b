# A small process supervisor for deploy/local/run-cluster.sh (sourced, not run): it keeps every started process
# running the way Kubernetes keeps a pod's container running. A process that exits, for whatever reason (kill -9,
# a crash, a failed start), is started again with the same command after a back-off that doubles from
# SUPERVISE_BACKOFF_START up to SUPERVISE_BACKOFF_MAX seconds and starts over once the process had run for
# SUPERVISE_BACKOFF_RESET seconds; the other processes keep serving meanwhile. SIGINT/SIGTERM stop everything.
# Needs bash 5.1 or later (wait -n -p). tests/Deploy.Tests/LocalClusterSupervisorTests runs it with stand-in processes.
#
#   source deploy/local/supervise.sh
#   supervise_start "silo 1" env Orleans__SiloPort=11111 dotnet silo.dll
#   supervise_run            # returns when SIGINT/SIGTERM arrived and every process is stopped

SUPERVISE_NAME=${SUPERVISE_NAME:-supervise}
SUPERVISE_BACKOFF_START=${SUPERVISE_BACKOFF_START:-2}
SUPERVISE_BACKOFF_MAX=${SUPERVISE_BACKOFF_MAX:-30}
SUPERVISE_BACKOFF_RESET=${SUPERVISE_BACKOFF_RESET:-60}

sv_names=() sv_cmds=() sv_pids=() sv_started=() sv_backoff=() sv_restarts=()
sv_stopping=false

# Starts process number $1 (its command is stored quoted, so arguments with spaces survive) and records its pid.
# exec in the subshell makes the pid the process itself, so a signal reaches it and not a wrapper shell.
sv_launch() {
  local i=$1
  ( eval "exec ${sv_cmds[$i]}" ) &
  sv_pids[i]=$!
  sv_started[i]=$SECONDS
}

# supervise_start NAME COMMAND [ARGS...]: starts COMMAND now and keeps it running.
supervise_start() {
  local name=$1; shift
  local i=${#sv_names[@]}
  sv_names[i]=$name
  sv_cmds[i]=$(printf '%q ' "$@")
  sv_backoff[i]=$SUPERVISE_BACKOFF_START
  sv_restarts[i]=0
  sv_launch "$i"
  echo "$SUPERVISE_NAME: started $name (pid ${sv_pids[$i]})" >&2
}

# Stops every process (SIGTERM, then waits for each; they shut down gracefully) and forgets them.
supervise_stop_all() {
  sv_stopping=true
  local pid
  for pid in "${sv_pids[@]}"; do [ "$pid" -gt 0 ] && kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${sv_pids[@]}"; do [ "$pid" -gt 0 ] && wait "$pid" 2>/dev/null || true; done
  sv_pids=()
}

# Waits for processes to exit and starts them again, until supervise_stop_all ran (from the caller's trap).
# The back-off sleep runs in the background and is waited for, so SIGINT/SIGTERM are handled at once.
supervise_run() {
  local exited code i ran delay sleeper
  while ! $sv_stopping && [ ${#sv_pids[@]} -gt 0 ]; do
    exited=
    wait -n -p exited "${sv_pids[@]}" && code=0 || code=$?
    $sv_stopping && break
    [ -z "$exited" ] && continue
    for i in "${!sv_pids[@]}"; do
      [ "${sv_pids[$i]}" = "$exited" ] || continue
      ran=$((SECONDS - sv_started[i]))
      # Like Kubernetes' CrashLoopBackOff: a process that ran a good while starts over from the shortest delay.
      [ "$ran" -ge "$SUPERVISE_BACKOFF_RESET" ] && sv_backoff[i]=$SUPERVISE_BACKOFF_START
      delay=${sv_backoff[$i]}
      sv_restarts[i]=$((sv_restarts[i] + 1))
      sv_pids[i]=0
      echo "$SUPERVISE_NAME: ${sv_names[$i]} (pid $exited) exited with code $code after ${ran}s; restarting it in ${delay}s (restart ${sv_restarts[$i]}); the others keep running" >&2
      sleep "$delay" & sleeper=$!
      wait "$sleeper" 2>/dev/null || true
      $sv_stopping && break
      sv_backoff[i]=$((delay * 2 > SUPERVISE_BACKOFF_MAX ? SUPERVISE_BACKOFF_MAX : delay * 2))
      sv_launch "$i"
      echo "$SUPERVISE_NAME: restarted ${sv_names[$i]} (pid ${sv_pids[$i]})" >&2
    done
  done
}
