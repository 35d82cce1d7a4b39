#!/usr/bin/env bash
# Installs, from Debian's archive, whatever the build and the tests need and is
# missing. Sourced by scripts/serve and scripts/test; safe to run again.
set -euo pipefail

PARLEY_PACKAGES=(
  g++ meson ninja-build pkg-config cmake
  libuv1-dev nlohmann-json3-dev doctest-dev libsimdjson-dev
  libspdlog-dev libcli11-dev libedit-dev libncurses-dev libssl-dev libhiredis-dev
  python3
)
if [ "${1:-}" = "--test" ]; then
  # What only the test suite uses: a real Redis for cluster tests, openssl for
  # test certificates, valgrind and clang for the leak and fuzz runs.
  PARLEY_PACKAGES+=(redis-server openssl valgrind clang libclang-rt-14-dev netcat-openbsd)
elif [ "${1:-}" = "--bench" ]; then
  # bench/run.sh: Redis to compare against, gnuplot for the latency plot.
  PARLEY_PACKAGES+=(redis-server gnuplot-nox)
fi

missing=()
for p in "${PARLEY_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing missing packages: ${missing[*]}" >&2
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
