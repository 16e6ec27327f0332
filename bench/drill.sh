#!/usr/bin/env bash
# Event-time clock drills (issue 12): builds the bench and the service, starts a schema registry (Apicurio, via
# deploy/registry, unless DRILL_REGISTRY_URL is set) and runs ClockDrill, which starts its own dev broker (unless
# --bootstrap-servers is given) and the real service as a child JVM (streams-app/target/tollgate.jar run).
#
#   bench/drill.sh --scenario pause|burst|backlog|latency [--services 4] [--rate 100] [--duration-s S]
#                  [--speed X] [--pause-at-s 300] [--pause-s 60] [--partitions 6] [--report FILE]
#
# Checks (pause, burst, backlog, latency): no event dropped as late (tollgate_events_late_total == 0 on the
# service's /metrics) and the decisions on tollgate.decisions (read_committed) equal an in-process replay of the
# same events per service, record for record. Exit code 1 on a mismatch. latency also reports p50/p99 of the
# wall time from the send of a decision's completing event to the decision being readable.
#
# Environment:
#   BENCH_SKIP_BUILD=1    reuse the built jars (no mvn)
#   DRILL_REGISTRY_URL    a running Confluent-compatible registry to use instead of starting Apicurio
#   DRILL_JAVA_OPTS       JVM options of the drill (default: -Xmx2g; the recording and replay hold every event); the service runs with -Xmx512m
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [[ "${BENCH_SKIP_BUILD:-}" != "1" ]]; then
  mvn -B -q -pl bench -am package -DskipTests
fi
jar="$(ls bench/target/tollgate-bench-*.jar | grep -v sources | head -n1)"
cp="$jar:$(cat bench/target/classpath.txt)"
registry="${DRILL_REGISTRY_URL:-}"
state=""
if [[ -z "$registry" ]]; then
  deploy/registry/fetch.sh
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  state="$(mktemp -d -t tollgate-drill-registry-XXXXXX)"
  trap 'deploy/registry/stop.sh --state-dir "$state" >/dev/null || true; rm -rf "$state"' EXIT
  deploy/registry/start.sh --port "$port" --state-dir "$state" --timeout 180 --owner-pid $$
  registry="http://127.0.0.1:$port/apis/ccompat/v7"
fi
read -r -a java_opts <<<"${DRILL_JAVA_OPTS:--Xmx2g}"
java "${java_opts[@]}" \
  -Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.tollgate.schemas.avro,java.lang,java.util,org.apache.avro.util \
  -cp "$cp" dev.tollgate.bench.ClockDrill --schema-registry-url "$registry" \
  --service-jar "$root/streams-app/target/tollgate.jar" "$@"
