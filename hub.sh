#!/usr/bin/env bash
# Hub's two commands:  ./hub.sh run [hub serve options]   ./hub.sh test [dotnet test options]
# And ./hub.sh extension: builds extension.zip (the Chrome extension, versioned as Hub) for "Load unpacked" or the Web Store.
# Each installs what it needs on a fresh Debian machine with the .NET SDK, then builds.
set -euo pipefail
cd "$(dirname "$0")"

# Debian packages: the PostgreSQL server (for the private database), the media tools Hub drives,
# and for tests the peers they talk to on 127.0.0.1.
RUN_PACKAGES=(postgresql yt-dlp ffmpeg aria2)
TEST_PACKAGES=(opentracker mktorrent nginx-light chromium libarchive-tools unzip)

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

ensure_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "hub.sh: installing ${missing[*]}" >&2
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# The npm peers the tests talk to (telegram-test-api, the MCP Inspector), installed once before the test assemblies
# start in parallel: each would otherwise run npm ci itself, and npm ci deletes node_modules first.
ensure_npm_peers() {
  command -v npm >/dev/null || ensure_packages nodejs npm
  for dir in tests/e2e/*/; do
    [ -f "$dir/package-lock.json" ] || continue
    if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
      echo "hub.sh: npm ci in $dir" >&2
      (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    fi
  done
}

ensure_dotnet() {
  command -v dotnet >/dev/null || { echo "hub.sh: the .NET 10 SDK is required (https://dot.net)" >&2; exit 1; }
}

cmd="${1:-}"; shift || true
case "$cmd" in
  run)
    ensure_dotnet
    ensure_packages "${RUN_PACKAGES[@]}"
    # HUB_SKIP_BUILD=1 runs what is already built (the tests run this script against a prepared clone).
    [ "${HUB_SKIP_BUILD:-}" = 1 ] || dotnet build Hub.Host/Hub.Host.csproj -c Release -nologo -v quiet -clp:ErrorsOnly
    exec dotnet Hub.Host/bin/Release/net10.0/hub.dll "$@"
    ;;
  test)
    ensure_dotnet
    ensure_packages "${RUN_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
    ensure_npm_peers
    dotnet build Hub.sln -c Release -nologo -v quiet -clp:ErrorsOnly
    log=$(mktemp)
    set +e
    dotnet test Hub.sln -c Release --no-build -nologo "$@" 2>&1 | tee "$log"
    status=${PIPESTATUS[0]}
    set -e
    # One closing line for the whole run, summed over the test assemblies.
    awk '/^(Passed|Failed)!/ { for (i = 1; i <= NF; i++) { if ($i == "Passed:") p += $(i+1); if ($i == "Failed:") f += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
         END { gsub(",", "", p); printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
    rm -f "$log"
    exit "$status"
    ;;
  extension)
    # The version is Hub's (Directory.Build.props); the zip holds extension/ as it is: plain modules, no build step.
    version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props | head -n 1)
    out="${1:-extension.zip}"
    stage=$(mktemp -d)
    cp -r extension/. "$stage/"
    python3 - "$stage/manifest.json" "$version" <<'PY'
import json, sys
path, version = sys.argv[1], sys.argv[2]
manifest = json.load(open(path))
manifest["version"] = version
json.dump(manifest, open(path, "w"), indent=2)
PY
    rm -f "$out"
    out_abs="$(cd "$(dirname "$out")" && pwd)/$(basename "$out")"
    (cd "$stage" && python3 -m zipfile -c "$out_abs" $(ls -A))
    rm -rf "$stage"
    echo "hub.sh: wrote $out (Hub extension $version)"
    ;;
  *)
    echo "usage: ./hub.sh run [options]   start Hub (embedded PostgreSQL, ./data); e.g. --urls=http://0.0.0.0:8080 --Hub:PublicUrl=http://192.168.1.10:8080" >&2
    echo "       ./hub.sh test [options]  run every test" >&2
    echo "       ./hub.sh extension [FILE] build the Chrome extension as extension.zip" >&2
    exit 64
    ;;
esac
