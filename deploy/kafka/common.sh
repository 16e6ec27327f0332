# Helpers shared by start.sh and stop.sh (sourced, not run).

# java executable: $JAVA_HOME/bin/java when set, else the one on PATH
java_bin() {
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then echo "$JAVA_HOME/bin/java"; else command -v java; fi
}

# true when something accepts TCP connections on 127.0.0.1:$1
port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# true when pid $1 is alive and its command line contains $2
pid_matches() {
  local pid="$1" needle="$2"
  [[ -n "$pid" && "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$needle"
}

# stop pid $1 (whose command line contains $2): SIGTERM, wait up to $3 s, then SIGKILL
stop_pid() {
  local pid="$1" needle="$2" timeout="$3" name="$4"
  pid_matches "$pid" "$needle" || return 0
  echo "[$name] stopping pid $pid (SIGTERM, up to ${timeout}s) ..."
  kill -TERM "$pid" 2>/dev/null || true
  local waited=0
  while pid_matches "$pid" "$needle"; do
    if (( waited >= timeout * 5 )); then
      echo "[$name] pid $pid still alive after ${timeout}s: SIGKILL" >&2
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
      break
    fi
    sleep 0.2
    waited=$((waited + 1))
  done
}

# stop what start.sh started in state dir $1: its watchdog (unless that is the caller), then the process in
# pid file $2 whose command line contains $3 (SIGTERM, $4 s, SIGKILL). $5 names the caller in messages.
# Idempotent: a missing or stale pid file is reported and cleaned up.
stop_service() {
  local dir="$1" pid_file="$2" marker="$3" timeout="$4" name="$5"
  local watchdog_file="$dir/watchdog.pid"
  if [[ -f "$watchdog_file" ]]; then
    local wd
    wd="$(cat "$watchdog_file")"
    if [[ "$wd" != "$$" ]] && pid_matches "$wd" "tollgate-watchdog"; then kill "$wd" 2>/dev/null || true; fi
    rm -f "$watchdog_file"
  fi
  if [[ ! -f "$pid_file" ]]; then
    echo "[$name] not running (no $pid_file)"
    return 0
  fi
  local pid
  pid="$(cat "$pid_file")"
  if ! pid_matches "$pid" "$marker"; then
    echo "[$name] not running (stale pid file, pid $pid)"
    rm -f "$pid_file"
    return 0
  fi
  stop_pid "$pid" "$marker" "$timeout" "$name"
  rm -f "$pid_file"
  echo "[$name] stopped"
}

# start a detached watchdog that runs "$stop_cmd" once pid $owner dies (while pid $svc still lives)
start_watchdog() {
  local owner="$1" svc="$2" pidfile="$3"; shift 3
  kill -0 "$owner" 2>/dev/null || { echo "owner pid $owner is not alive" >&2; return 1; }
  nohup bash -c '
    owner="$1" svc="$2"; shift 2
    while kill -0 "$owner" 2>/dev/null && kill -0 "$svc" 2>/dev/null; do sleep 2; done
    if kill -0 "$svc" 2>/dev/null; then exec "$@"; fi
  ' tollgate-watchdog "$owner" "$svc" "$@" >/dev/null 2>&1 </dev/null &
  echo $! >"$pidfile"
}
