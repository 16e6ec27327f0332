#!/usr/bin/env bash
# Fetch Apicurio Registry's runnable archive (io.apicurio:apicurio-registry-app:VERSION:tar.gz:all)
# from Maven Central into deploy/registry/dist and unpack it. Idempotent.
set -euo pipefail

VERSION="${APICURIO_VERSION:-3.0.9}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dist="$here/dist"
app="$dist/app"
stamp="$dist/.fetched"
file="apicurio-registry-app-$VERSION-all.tar.gz"
base="${MAVEN_CENTRAL_URL:-https://repo1.maven.org/maven2}"
url="$base/io/apicurio/apicurio-registry-app/$VERSION/$file"

log() { echo "[registry/fetch] $*"; }
# the archive holds a Quarkus legacy-jar layout (apicurio-registry-app-VERSION-runner.jar + lib/)
runner_jar() { compgen -G "$app/*-runner.jar" | head -n1 || true; }
die() { echo "[registry/fetch] ERROR: $*" >&2; exit 1; }

# one fetch at a time (parallel test JVMs may call this together)
mkdir -p "$dist"
if command -v flock >/dev/null; then
  exec 9>"$dist/.lock"
  flock -w 900 9 || die "timed out waiting for another fetch (lock $dist/.lock)"
fi

if [[ -f "$stamp" && "$(cat "$stamp")" == "$VERSION" && -n "$(runner_jar)" ]]; then
  log "already fetched: Apicurio Registry $VERSION in $app"
  exit 0
fi

command -v curl >/dev/null || die "curl not found on PATH"
mkdir -p "$dist"
archive="$dist/$file"
if [[ ! -s "$archive" ]]; then
  log "downloading $url ..."
  curl -fsSL --retry 3 --retry-delay 2 --connect-timeout 20 -o "$archive.part" "$url" \
    || { rm -f "$archive.part"; die "download failed: $url"; }
  mv "$archive.part" "$archive"
fi

# verify against the checksum published next to the archive (when available)
if sha1="$(curl -fsSL --retry 3 --connect-timeout 20 "$url.sha1" 2>/dev/null)"; then
  sha1="${sha1%% *}"
  got="$(sha1sum "$archive" | cut -d' ' -f1)"
  if [[ "$got" != "$sha1" ]]; then
    rm -f "$archive"
    die "checksum mismatch for $file (expected $sha1, got $got); removed it, run again"
  fi
  log "checksum ok ($sha1)"
else
  log "no .sha1 published for $file; skipping checksum"
fi

log "unpacking $file ..."
tmp="$(mktemp -d "$dist/app.tmp.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
tar -xzf "$archive" -C "$tmp"
runjar="$(find "$tmp" -maxdepth 3 \( -name '*-runner.jar' -o -name quarkus-run.jar \) -print -quit)"
[[ -n "$runjar" ]] || die "no *-runner.jar found in $file"
rm -rf "$app"
if [[ "$(dirname "$runjar")" == "$tmp" ]]; then
  mv "$tmp" "$app"
else
  mv "$(dirname "$runjar")" "$app"
fi
rm -f "$archive"
echo "$VERSION" > "$stamp"
log "Apicurio Registry $VERSION ready in $app"
