#!/usr/bin/env bash
# Installs every Debian package and npm module the build and the tests need.
# Idempotent: when everything is present it prints one line and returns quickly.
set -euo pipefail
cd "$(dirname "$0")/.."

PKGS=(
  cmake ninja-build ccache g++ clang-14 libclang-rt-14-dev
  libboost1.81-dev libboost-json1.81-dev libboost-program-options1.81-dev libboost-system1.81-dev
  libtomlplusplus-dev libspdlog-dev libfmt-dev libsnappy-dev zlib1g-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev libjemalloc-dev nodejs npm openssl wrk
  prometheus nginx-light chromium
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node and npm may come from outside Debian on this image: accept any working binaries.
if command -v node >/dev/null && command -v npm >/dev/null; then
  tmp=(); for p in "${missing[@]}"; do [[ "$p" == nodejs || "$p" == npm ]] || tmp+=("$p"); done
  missing=("${tmp[@]+"${tmp[@]}"}")
fi

SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
if [ ${#missing[@]} -gt 0 ]; then
  echo "[setup] installing: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "[setup] Debian packages present"
fi

# npm modules, each folder from its lock file: interop tests (nsqjs), the nsqadmin web UI's
# build and its browser tests. Re-installed when package-lock.json is newer than node_modules.
for dir in tests/e2e web/nsqadmin tests/browser; do
  [ -f "$dir/package-lock.json" ] || continue
  stamp="$dir/node_modules/.package-lock.json"
  if [ ! -f "$stamp" ] || [ "$dir/package-lock.json" -nt "$stamp" ]; then
    echo "[setup] installing npm modules in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  else
    echo "[setup] npm modules present in $dir"
  fi
done
