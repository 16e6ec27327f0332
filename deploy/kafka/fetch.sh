#!/usr/bin/env bash
# Fetch the jars of a Kafka broker (KRaft) from Maven Central into deploy/kafka/dist/libs.
# Idempotent: does nothing when dist/libs already holds the jars for the current pom.xml.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dist="$here/dist"
libs="$dist/libs"
stamp="$dist/.fetched"

log() { echo "[kafka/fetch] $*"; }
die() { echo "[kafka/fetch] ERROR: $*" >&2; exit 1; }

command -v mvn >/dev/null || die "mvn not found on PATH"

# one fetch at a time (parallel test JVMs may call this together)
mkdir -p "$dist"
if command -v flock >/dev/null; then
  exec 9>"$dist/.lock"
  flock -w 900 9 || die "timed out waiting for another fetch (lock $dist/.lock)"
fi

want="$(sha256sum "$here/pom.xml" | cut -d' ' -f1)"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]] && compgen -G "$libs/kafka_2.13-*.jar" >/dev/null; then
  log "already fetched: $(ls "$libs" | wc -l) jars in $libs"
  exit 0
fi

log "fetching Kafka broker jars from Maven Central (pom: $here/pom.xml) ..."
mkdir -p "$dist"
tmp="$(mktemp -d "$dist/libs.tmp.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
if ! mvn -B -Dstyle.color=never -f "$here/pom.xml" dependency:copy-dependencies -DoutputDirectory="$tmp" \
    >"$dist/fetch.log" 2>&1 </dev/null; then
  tail -n 40 "$dist/fetch.log" >&2
  die "mvn dependency:copy-dependencies failed (full output: $dist/fetch.log)"
fi
compgen -G "$tmp/kafka_2.13-*.jar" >/dev/null || die "kafka_2.13 jar missing after fetch"

rm -rf "$libs"
mv "$tmp" "$libs"
echo "$want" > "$stamp"
log "fetched $(ls "$libs" | wc -l) jars into $libs"
