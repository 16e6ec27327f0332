#!/usr/bin/env bash
# Stop the broker started by start.sh: SIGTERM, wait (default 30 s), then SIGKILL; removes the pid file.
#
#   stop.sh [--data-dir DIR] [--timeout S]      (same --data-dir as given to start.sh)
#
# Idempotent: exits 0 when nothing is running.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=common.sh
source "$here/common.sh"

data_dir="$here/data"
timeout=30
die() { echo "[kafka/stop] ERROR: $*" >&2; exit 1; }
while (($#)); do
  case "$1" in
    --data-dir) data_dir="${2:?--data-dir needs a value}"; shift 2 ;;
    --timeout) timeout="${2:?--timeout needs a value}"; shift 2 ;;
    -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $1" ;;
  esac
done

if [[ ! -d "$data_dir" ]]; then
  echo "[kafka/stop] nothing to stop: $data_dir does not exist"
  exit 0
fi
data_dir="$(cd "$data_dir" && pwd)"
stop_service "$data_dir" "$data_dir/kafka.pid" "-Dtollgate.kafka.data.dir=$data_dir" "$timeout" "kafka/stop"
