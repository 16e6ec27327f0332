#!/usr/bin/env bash
# Builds the bench module (and what it needs) and runs ThroughputBench; arguments go to the bench.
#
#   bench/run.sh [--records 6000000] [--rounds 5] [--modes consumer,eos,alos,naive] ...   (see --help)
#
# Environment:
#   BENCH_SKIP_BUILD=1   reuse bench/target (no mvn)
#   BENCH_JAVA_OPTS      JVM options (default: -Xms2g -Xmx2g -XX:+UseG1GC)
#   BENCH_JFR=FILE       also record a JFR profile (settings=profile) into FILE
#   BENCH_JFC=SETTINGS   JFR settings for BENCH_JFR (default: profile; a .jfc file, e.g. with a 1 ms sampling period)
#
# Starts its own dev broker (the devbroker module: a child JVM with deploy/kafka/start.sh's settings, temp dir,
# free loopback ports) unless
# --bootstrap-servers is given; stops it at the end. Writes the Markdown report to
# bench/target/performance-report.md (or --report FILE).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [[ "${BENCH_SKIP_BUILD:-}" != "1" ]]; then
  mvn -B -q -pl bench -am package -DskipTests
fi
jar="$(ls bench/target/tollgate-bench-*.jar | grep -v sources | head -n1)"
cp="$jar:$(cat bench/target/classpath.txt)"
commit="${BENCH_COMMIT:-$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)}"
if [[ -z "${BENCH_COMMIT:-}" ]] && ! git -C "$root" diff --quiet HEAD -- schemas topology 2>/dev/null; then
  commit="$commit+uncommitted-changes"
fi
read -r -a java_opts <<<"${BENCH_JAVA_OPTS:--Xms2g -Xmx2g -XX:+UseG1GC}"
if [[ -n "${BENCH_JFR:-}" ]]; then
  java_opts+=(-XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints
              "-XX:StartFlightRecording=filename=${BENCH_JFR},settings=${BENCH_JFC:-profile},dumponexit=true")
fi
exec java "${java_opts[@]}" \
  -Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.tollgate.schemas.avro,java.lang,java.util,org.apache.avro.util \
  -Dtollgate.repo.root="$root" -Dtollgate.bench.commit="$commit" \
  -cp "$cp" dev.tollgate.bench.ThroughputBench "$@"
