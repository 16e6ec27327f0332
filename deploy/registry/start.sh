#!/usr/bin/env bash
# Start Apicurio Registry (in-memory storage: sql/H2 in memory) on 127.0.0.1 as a background JVM and
# wait until its Confluent-compatible API answers.
#
#   start.sh [--port N] [--state-dir DIR] [--timeout S] [--owner-pid PID]
#
#   --port       HTTP port (default 8081); Confluent-compatible API at http://127.0.0.1:N/apis/ccompat/v7
#   --state-dir  holds registry.pid and registry.log (default deploy/registry/run)
#   --timeout    seconds to wait for readiness (default 90)
#   --owner-pid  stop the registry when this process dies (used by the test kit)
#
# Idempotent: if the registry of this state dir is already running and answers, it says so and exits 0.
# Storage is in memory: every start begins empty.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../kafka/common.sh
source "$here/../kafka/common.sh"

port=8081
state_dir="$here/run"
timeout=90
owner_pid=""

usage() { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; }
die() { echo "[registry/start] ERROR: $*" >&2; exit 1; }
log() { echo "[registry/start] $*"; }

while (($#)); do
  case "$1" in
    --port) port="${2:?--port needs a value}"; shift 2 ;;
    --state-dir|--data-dir) state_dir="${2:?--state-dir needs a value}"; shift 2 ;;
    --timeout) timeout="${2:?--timeout needs a value}"; shift 2 ;;
    --owner-pid) owner_pid="${2:?--owner-pid needs a value}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done
[[ "$port" =~ ^[0-9]+$ ]] || die "--port must be a number"

runner="$(compgen -G "$here/dist/app/*-runner.jar" | head -n1 || true)"
[[ -n "$runner" ]] || die "Apicurio Registry not found in $here/dist/app: run $here/fetch.sh first"
java="$(java_bin)" || die "java not found (set JAVA_HOME or put java on PATH)"
command -v curl >/dev/null || die "curl not found on PATH"

mkdir -p "$state_dir"
state_dir="$(cd "$state_dir" && pwd)"
pid_file="$state_dir/registry.pid"
watchdog_file="$state_dir/watchdog.pid"
log_file="$state_dir/registry.log"
marker="-Dtollgate.registry.state.dir=$state_dir"
probe="http://127.0.0.1:$port/apis/ccompat/v7/subjects"

answers() { [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$probe" 2>/dev/null)" == 200 ]]; }
tail_log() {
  echo "----- last lines of $log_file -----" >&2
  tail -n 40 "$log_file" 2>/dev/null >&2 || true
}

if [[ -f "$pid_file" ]]; then
  old="$(cat "$pid_file")"
  if pid_matches "$old" "$marker"; then
    if answers; then
      log "already running (pid $old): http://127.0.0.1:$port/apis/ccompat/v7"
      exit 0
    fi
    die "a registry of $state_dir is running (pid $old) but does not answer on port $port; run stop.sh --state-dir $state_dir"
  fi
  rm -f "$pid_file"
fi
port_open "$port" && die "port $port on 127.0.0.1 is already in use"

log "starting Apicurio Registry on 127.0.0.1:$port (state $state_dir) ..."
start_ts=$SECONDS
nohup "$java" -Xmx512m -Xms128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true \
  "$marker" \
  -Dquarkus.http.host=127.0.0.1 \
  "-Dquarkus.http.port=$port" \
  -Dquarkus.http.access-log.enabled=false \
  -Dquarkus.log.level=INFO \
  "-Dquarkus.log.console.format=%d{yyyy-MM-dd HH:mm:ss,SSS} %-5p [%c{2.}] (%t) %m%n" \
  -Dapicurio.storage.kind=sql \
  -Dapicurio.storage.sql.kind=h2 \
  -Dapicurio.import.work-dir="$state_dir" \
  -Dapicurio.storage.snapshot.location="$state_dir" \
  -jar "$runner" >"$log_file" 2>&1 </dev/null &
pid=$!
echo "$pid" >"$pid_file"

if [[ -n "$owner_pid" ]]; then
  start_watchdog "$owner_pid" "$pid" "$watchdog_file" "$here/stop.sh" --state-dir "$state_dir" \
    || { "$here/stop.sh" --state-dir "$state_dir" >&2 || true; die "could not start the watchdog"; }
fi

while :; do
  if ! kill -0 "$pid" 2>/dev/null; then
    rm -f "$pid_file"
    tail_log
    die "the registry exited during startup"
  fi
  if port_open "$port" && answers; then
    break
  fi
  if (( SECONDS - start_ts >= timeout )); then
    tail_log
    "$here/stop.sh" --state-dir "$state_dir" >&2 || true
    die "the registry did not answer GET $probe with 200 within ${timeout}s"
  fi
  sleep 0.5
done
log "ready after $((SECONDS - start_ts))s: http://127.0.0.1:$port/apis/ccompat/v7 (pid $pid, log $log_file)"
