#!/usr/bin/env bash
# Builds the bench module (and what it needs) and runs ReplayBench: `tollgate replay`'s fast engine next to the
# topology-driver engine on the same generated rollout file, in one run; arguments go to the bench.
#
#   bench/replay.sh [--events 360000] [--services 1] [--rate 400] [--rounds 3] [--driver-events N]
#
# Environment: BENCH_SKIP_BUILD=1 reuses bench/target (no mvn); BENCH_JAVA_OPTS (default -Xms2g -Xmx2g -XX:+UseG1GC).
# No broker is needed. Prints a Markdown table (see docs/performance.md, "Replay").
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [[ "${BENCH_SKIP_BUILD:-}" != "1" ]]; then
  mvn -B -q -pl bench -am package -DskipTests
fi
jar="$(ls bench/target/tollgate-bench-*.jar | grep -v sources | head -n1)"
cp="$jar:$(cat bench/target/classpath.txt)"
read -r -a java_opts <<<"${BENCH_JAVA_OPTS:--Xms2g -Xmx2g -XX:+UseG1GC}"
exec java "${java_opts[@]}" \
  -Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.tollgate.schemas.avro,java.lang,java.util,org.apache.avro.util \
  -cp "$cp" dev.tollgate.bench.ReplayBench "$@"
