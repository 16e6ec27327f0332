#!/usr/bin/env bash
# Stop the registry started by start.sh: SIGTERM, wait (default 30 s), then SIGKILL; removes the pid file.
#
#   stop.sh [--state-dir DIR] [--timeout S]      (same --state-dir as given to start.sh)
#
# Idempotent: exits 0 when nothing is running.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../kafka/common.sh
source "$here/../kafka/common.sh"

state_dir="$here/run"
timeout=30
die() { echo "[registry/stop] ERROR: $*" >&2; exit 1; }
while (($#)); do
  case "$1" in
    --state-dir|--data-dir) state_dir="${2:?--state-dir needs a value}"; shift 2 ;;
    --timeout) timeout="${2:?--timeout needs a value}"; shift 2 ;;
    -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $1" ;;
  esac
done

if [[ ! -d "$state_dir" ]]; then
  echo "[registry/stop] nothing to stop: $state_dir does not exist"
  exit 0
fi
state_dir="$(cd "$state_dir" && pwd)"
stop_service "$state_dir" "$state_dir/registry.pid" "-Dtollgate.registry.state.dir=$state_dir" "$timeout" "registry/stop"
