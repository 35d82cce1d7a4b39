#!/usr/bin/env bash
# Compares two parleyd builds side by side, with a reference server beside
# them: Redis for TCP echo and chat fan-out, the bare C recvmmsg/sendmmsg
# echo (bench/udp_echo) for UDP. Rounds alternate between the three servers,
# so a busy moment on a shared machine hits all of them alike; the table gives
# the medians and the median of the per-round ratios.
#
#   bench/compare.sh [--rounds N] [--duration S] [--scenarios LIST] [--out FILE]
#                    [--build DIR] OLD_PARLEYD NEW_PARLEYD
#
# --rounds     rounds per scenario (default 5)
# --duration   seconds per run (default 4, after 1 s of warm-up)
# --scenarios  any of echo-p1 echo-p16 (50 connections, pipeline 1 or 16),
#              udp-64 udp-1024 (window 64, datagram size), chat-1x1000
#              chat-100x10 chat-100x10-p32 (the fan-out shapes of
#              bench/run.sh); default "echo-p1 echo-p16"
# --out        keep every run's parley-bench --json object in FILE (JSON lines)
# --build      release build holding parley-bench and bench/udp_echo
#              (default build-release; both are built there if missing)
#
# Typical use: build the old commit in a worktree, then
#   bench/compare.sh /tmp/old/build-release/src/server/parleyd build-release/src/server/parleyd
# Every server listens on loopback and is stopped at the end, also on failure.
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=5
DUR=4
SCENARIOS="echo-p1 echo-p16"
OUT=
BUILD=build-release
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --duration) DUR=$2; shift 2 ;;
    --scenarios) SCENARIOS=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --build) BUILD=$2; shift 2 ;;
    -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
    -*) echo "compare.sh: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
if [ $# -ne 2 ]; then
  echo "usage: bench/compare.sh [--rounds N] [--duration S] [--scenarios LIST] [--out FILE] [--build DIR] OLD_PARLEYD NEW_PARLEYD" >&2
  exit 2
fi
OLD=$1
NEW=$2
for s in $SCENARIOS; do
  case "$s" in
    echo-p[0-9]*|udp-[0-9]*|chat-1x1000|chat-100x10|chat-100x10-p32) ;;
    *) echo "compare.sh: unknown scenario $s" >&2; exit 2 ;;
  esac
done
bash scripts/deps.sh --bench
[ -d "$BUILD" ] || meson setup "$BUILD" --buildtype=release >/dev/null
ninja -C "$BUILD" -j2 src/bench/parley-bench bench/udp_echo >/dev/null
BENCH=$BUILD/src/bench/parley-bench

. bench/servers.sh

start_parleyd "$OLD" old
PID_old=$PARLEY_PID TCP_old=$PARLEY_TCP UDP_old=$PARLEY_UDP
start_parleyd "$NEW" new
PID_new=$PARLEY_PID TCP_new=$PARLEY_TCP UDP_new=$PARLEY_UDP
if [[ " $SCENARIOS " == *" echo-"* || " $SCENARIOS " == *" chat-"* ]]; then
  start_redis
fi
if [[ " $SCENARIOS " == *" udp-"* ]]; then
  "$BUILD/bench/udp_echo" --port 0 --exit-after 3600 >"$LOGS/c.out" 2>&1 &
  PID_c=$!
  STARTED+=("$PID_c")
  UDP_c=$(ready_line "$LOGS/c.out" "udp_echo ready" | sed 's/.*udp=//')
fi

RESULTS=${OUT:-$LOGS/results.jsonl}
: >"$RESULTS"
for scenario in $SCENARIOS; do
  for round in $(seq "$ROUNDS"); do
    for name in old new ref; do
      case "$scenario" in
        echo-p*)
          depth=${scenario#echo-p}
          if [ "$name" = ref ]; then target=redis://127.0.0.1:$REDIS_PORT pid=$REDIS_PID
          else tcp_var=TCP_$name pid_var=PID_$name; target=parley://${!tcp_var} pid=${!pid_var}; fi
          args=(echo --connections 50 --pipeline "$depth") ;;
        chat-*)
          if [ "$name" = ref ]; then target=redis://127.0.0.1:$REDIS_PORT pid=$REDIS_PID
          else tcp_var=TCP_$name pid_var=PID_$name; target=parley://${!tcp_var} pid=${!pid_var}; fi
          case "$scenario" in
            chat-1x1000) args=(chat --connections 1000 --rooms 1 --senders 1 --pipeline 32 --size 64) ;;
            chat-100x10) args=(chat --connections 1000 --rooms 100 --senders 10 --pipeline 1 --size 64) ;;
            chat-100x10-p32) args=(chat --connections 1000 --rooms 100 --senders 10 --pipeline 32 --size 64) ;;
          esac ;;
        udp-*)
          size=${scenario#udp-}
          if [ "$name" = ref ]; then target=parley://$UDP_c pid=$PID_c
          else udp_var=UDP_$name pid_var=PID_$name; target=parley://${!udp_var} pid=${!pid_var}; fi
          args=(udp --window 64 --size "$size") ;;
      esac
      "$BENCH" "${args[@]}" --target "$target" --duration "$DUR" --warmup 1 --json --no-progress \
        --server-pid "$pid" --label "$scenario $name $round" >>"$RESULTS"
    done
    echo "$scenario round $round/$ROUNDS done" >&2
  done
done

python3 - "$RESULTS" <<'PY'
import json, statistics, sys
runs = [json.loads(line) for line in open(sys.argv[1])]
by = {}
for r in runs:
    scenario, name, _ = r["label"].split()
    by.setdefault(scenario, {}).setdefault(name, []).append(r)

def paired(s, a, b):
    # Ratios of runs taken in the same round, seconds apart: their median and
    # range, rather than a ratio of medians taken minutes apart.
    rs = sorted(x["ops_per_s"] / y["ops_per_s"] for x, y in zip(by[s][a], by[s][b]))
    return "%.2fx (%.2f-%.2f)" % (statistics.median(rs), rs[0], rs[-1])

print("| scenario | reference | old ops/s | new ops/s | reference ops/s | new/old | new/reference | old/reference | server CPU old/new/ref | bench CPU old/new/ref |")
print("|---|---|---|---|---|---|---|---|---|---|")
for s, runs in by.items():
    med = {n: statistics.median(r["ops_per_s"] for r in runs[n]) for n in ("old", "new", "ref")}
    cpu = {n: statistics.median(r.get("server_cpu_pct", 0) for r in runs[n]) for n in ("old", "new", "ref")}
    ref = {"echo": "Redis ECHO", "chat": "Redis pub/sub", "udp": "C udp_echo"}[s.split("-")[0]]
    bcpu = {n: statistics.median(r.get("bench_cpu_pct", 0) for r in runs[n]) for n in ("old", "new", "ref")}
    print("| %s | %s | %.0f | %.0f | %.0f | %s | %s | %s | %.0f/%.0f/%.0f%% | %.0f/%.0f/%.0f%% |" % (
        s, ref, med["old"], med["new"], med["ref"], paired(s, "new", "old"), paired(s, "new", "ref"),
        paired(s, "old", "ref"), cpu["old"], cpu["new"], cpu["ref"], bcpu["old"], bcpu["new"], bcpu["ref"]))
print()
print("Medians of %d rounds; in brackets the lowest and highest per-round ratio." % len(runs["old"]))
PY
