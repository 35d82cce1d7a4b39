#!/usr/bin/env bash
# Builds the libFuzzer targets with clang straight from the core's sources
# (no meson: the fuzz build needs clang while the project builds with g++) and
# runs each one for a bounded time, starting from the seed corpus in the repo.
# First every input in regressions/ runs once, so a fixed crash stays fixed.
#
#   FUZZ_SECONDS   seconds per target (default 60; 0 = only seeds and regressions)
#   FUZZ_TARGETS   which targets (default: all four)
#   FUZZ_JOBS      targets fuzzed at once (default: the number of CPUs)
#   FUZZ_BUILD_DIR where objects, binaries, the growing corpus and crash
#                  artifacts go (default: build-fuzz at the top of the tree)
#   CXX_FUZZ       the compiler (default clang++)
#
# A crash, a sanitizer report, a broken property (FUZZ_CHECK), a leak, an
# input slower than 10 s or one that needs over 2 GB ends the run with a
# non-zero status and the input saved under $FUZZ_BUILD_DIR/artifacts.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
seconds=${FUZZ_SECONDS:-60}
read -r -a targets <<<"${FUZZ_TARGETS:-line_framer json_codec text_codec dispatcher}"
out=${FUZZ_BUILD_DIR:-$root/build-fuzz}
cxx=${CXX_FUZZ:-clang++}

if ! command -v "$cxx" >/dev/null; then
  echo "fuzz: $cxx not found (Debian: apt-get install clang libclang-rt-14-dev)" >&2
  exit 1
fi

mkdir -p "$out/gen" "$out/obj" "$out/artifacts"
# The one generated header the core needs; meson writes the same line.
version=$(sed -n "s/^ *version *: *'\([^']*\)'.*/\1/p" "$root/meson.build" | head -n 1)
printf '#pragma once\n#define PARLEY_VERSION "%s"\n' "${version:-0}" >"$out/gen/parley_version.h.new"
cmp -s "$out/gen/parley_version.h.new" "$out/gen/parley_version.h" 2>/dev/null ||
  mv "$out/gen/parley_version.h.new" "$out/gen/parley_version.h"
rm -f "$out/gen/parley_version.h.new"

# The libraries the core uses (src/core/meson.build) plus nlohmann/json, which
# the targets use as an independent JSON reference. Only those present are
# asked for, so the list may name more than the core needs today.
core_pkgs=()
for p in simdjson nlohmann_json; do pkg-config --exists "$p" 2>/dev/null && core_pkgs+=("$p"); done
read -r -a pkg_cflags <<<"$( [ ${#core_pkgs[@]} -gt 0 ] && pkg-config --cflags "${core_pkgs[@]}")"
read -r -a pkg_libs <<<"$( [ ${#core_pkgs[@]} -gt 0 ] && pkg-config --libs "${core_pkgs[@]}")"

common=(-std=c++20 -g -O1 -fno-omit-frame-pointer
        -fsanitize=address,undefined -fno-sanitize-recover=undefined
        -I"$root/include" -I"$out/gen" -I"$here" "${pkg_cflags[@]}")

# Core objects carry coverage instrumentation but no libFuzzer main. A
# changed header rebuilds them all (objects built against two versions of one
# struct would make false reports); otherwise only changed sources rebuild.
headers_sum=$(cat "$root"/include/parley/*.hpp "$out/gen/parley_version.h" | sha1sum | cut -d' ' -f1)
if [ "$(cat "$out/obj/headers.sha1" 2>/dev/null)" != "$headers_sum" ]; then
  rm -f "$out"/obj/*.o
fi
# Objects of sources that no longer exist must not be linked in.
for obj in "$out"/obj/*.o; do
  [ -e "$obj" ] && [ ! -e "$root/src/core/$(basename "${obj%.o}").cpp" ] && rm -f "$obj"
done
stale=()
for src in "$root"/src/core/*.cpp; do
  obj="$out/obj/$(basename "${src%.cpp}").o"
  if [ ! -e "$obj" ] || [ "$src" -nt "$obj" ]; then stale+=("$src"); fi
done
if [ ${#stale[@]} -gt 0 ]; then
  echo "fuzz: compiling ${#stale[@]} core sources with $cxx" >&2
  printf '%s\n' "${stale[@]}" | xargs -P 2 -I{} sh -c \
    'src=$1 o="$2/obj/$(basename "${1%.cpp}").o"; shift 2; exec "$@" -fsanitize=fuzzer-no-link -c "$src" -o "$o"' \
    sh {} "$out" "$cxx" "${common[@]}"
fi
echo "$headers_sum" >"$out/obj/headers.sha1"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

opts_for() {
  printf '%s\n' -timeout=10 -rss_limit_mb=2048 -max_len=4096 -dict="$here/parley.dict" \
    -artifact_prefix="$out/artifacts/$1-" -print_final_stats=0
}

# Each target fuzzes for the full time on its own core, so running them side
# by side shortens the wall-clock time without shortening any target's run.
fuzz_one() {
  local t=$1 bin="$out/fuzz_$1" opts
  mapfile -t opts < <(opts_for "$t")
  mkdir -p "$out/corpus/$t"  # the corpus grows in the build dir; the repo's seeds are read-only
  if "$bin" "${opts[@]}" -max_total_time="$seconds" "$out/corpus/$t" "$here/corpus/$t" >"$out/$t.log" 2>&1; then
    grep -E '^Done|#[0-9]+ *DONE' "$out/$t.log" | tail -n 1 | sed "s/^/fuzz: $t: /" >&2 || true
  else
    echo "fuzz: $t FAILED; log: $out/$t.log; inputs: $out/artifacts/$t-*" >&2
    tail -n 60 "$out/$t.log" >&2
    return 1
  fi
}

status=0
to_fuzz=()
for t in "${targets[@]}"; do
  src="$here/fuzz_$t.cpp"
  bin="$out/fuzz_$t"
  if [ ! -e "$src" ]; then echo "fuzz: no target $t" >&2; exit 2; fi
  # Relink when the target, a fuzz header or a core object changed.
  if [ ! -e "$bin" ] || [ -n "$(find "$src" "$here"/*.hpp "$out"/obj/*.o -newer "$bin" | head -n 1)" ]; then
    echo "fuzz: linking fuzz_$t" >&2
    "$cxx" "${common[@]}" -fsanitize=fuzzer "$src" "$out"/obj/*.o "${pkg_libs[@]}" -o "$bin"
  fi
  mapfile -t opts < <(opts_for "$t")

  seeds="$here/corpus/$t"
  regressions="$here/regressions/$t"
  inputs=()
  for d in "$seeds" "$regressions"; do
    [ -d "$d" ] && while IFS= read -r -d '' f; do inputs+=("$f"); done < <(find "$d" -type f -print0 | sort -z)
  done
  if [ ${#inputs[@]} -gt 0 ]; then
    echo "fuzz: $t: replaying ${#inputs[@]} seed and regression inputs" >&2
    if ! "$bin" "${opts[@]}" "${inputs[@]}" >"$out/$t.replay.log" 2>&1; then
      echo "fuzz: $t FAILED on a stored input; log: $out/$t.replay.log" >&2
      tail -n 40 "$out/$t.replay.log" >&2
      status=1
      continue
    fi
  fi
  to_fuzz+=("$t")
done

if [ "$seconds" -gt 0 ] && [ ${#to_fuzz[@]} -gt 0 ]; then
  jobs_max=${FUZZ_JOBS:-$(nproc)}
  echo "fuzz: fuzzing ${to_fuzz[*]} for ${seconds}s each, $jobs_max at a time" >&2
  running=0
  for t in "${to_fuzz[@]}"; do
    if [ "$running" -ge "$jobs_max" ]; then
      wait -n || status=1
      running=$((running - 1))
    fi
    fuzz_one "$t" &
    running=$((running + 1))
  done
  while [ "$running" -gt 0 ]; do
    wait -n || status=1
    running=$((running - 1))
  done
fi
exit $status
