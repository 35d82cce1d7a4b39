#!/usr/bin/env bash
# Compares two parleyd builds on echo at 50 connections (pipeline 1 and 16),
# with redis-server beside them as the anchor: rounds alternate between the
# three servers, so a busy moment on a shared machine hits all of them alike,
# and the medians of the per-round figures are printed as ratios.
#
#   bench/compare.sh [--rounds N] [--duration S] [--bench PATH] OLD_PARLEYD NEW_PARLEYD
#
# --rounds    rounds per pipeline depth (default 5)
# --duration  seconds per run (default 4, after 1 s of warm-up)
# --bench     the parley-bench binary (default build-release/src/bench/parley-bench)
#
# Typical use: build the old commit in a worktree, then
#   bench/compare.sh /tmp/old/build-release/src/server/parleyd build-release/src/server/parleyd
# Every server listens on loopback and is stopped at the end, also on failure.
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=5
DUR=4
BENCH=build-release/src/bench/parley-bench
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --duration) DUR=$2; shift 2 ;;
    --bench) BENCH=$2; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    -*) echo "compare.sh: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
if [ $# -ne 2 ]; then
  echo "usage: bench/compare.sh [--rounds N] [--duration S] [--bench PATH] OLD_PARLEYD NEW_PARLEYD" >&2
  exit 2
fi
OLD=$1
NEW=$2
bash scripts/deps.sh --bench
[ -x "$BENCH" ] || { echo "compare.sh: no $BENCH (build it: ninja -C build-release src/bench/parley-bench)" >&2; exit 1; }

LOGS=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$LOGS"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start_parleyd NAME BINARY: sets ADDR_<NAME> and PID_<NAME>.
start_parleyd() {
  "$2" --tcp-port 0 --udp-port 0 --rate 0 --max-output 67108864 --log-level warn >"$LOGS/$1.out" 2>&1 &
  PIDS+=($!)
  printf -v "PID_$1" %s $!
  for _ in $(seq 100); do
    if grep -q "parleyd ready" "$LOGS/$1.out"; then
      printf -v "ADDR_$1" %s "$(sed -n 's/.* tcp=\([^ ]*\).*/\1/p' "$LOGS/$1.out" | head -1)"
      return 0
    fi
    sleep 0.1
  done
  echo "compare.sh: $2 printed no ready line" >&2
  exit 1
}
start_parleyd old "$OLD"
start_parleyd new "$NEW"
REDIS_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --logfile "$LOGS/redis.log" &
PIDS+=($!)
PID_redis=$!
ADDR_redis=127.0.0.1:$REDIS_PORT
for _ in $(seq 100); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done

RESULTS=$LOGS/results.jsonl
for depth in 1 16; do
  for round in $(seq "$ROUNDS"); do
    for name in old new redis; do
      addr_var=ADDR_$name pid_var=PID_$name
      scheme=parley
      [ "$name" = redis ] && scheme=redis
      "$BENCH" echo --connections 50 --pipeline "$depth" --target "$scheme://${!addr_var}" \
        --duration "$DUR" --warmup 1 --json --no-progress --server-pid "${!pid_var}" \
        --label "$name p$depth r$round" >>"$RESULTS"
    done
    echo "echo P=$depth round $round/$ROUNDS done" >&2
  done
done

python3 - "$RESULTS" <<'PY'
import json, statistics, sys
runs = [json.loads(line) for line in open(sys.argv[1])]
by = {}
for r in runs:
    name, depth, _ = r["label"].split()
    by.setdefault((depth, name), []).append(r)
print("| echo, 50 conns | old replies/s | new replies/s | redis replies/s | new/old | new/redis | old/redis | server CPU old/new/redis |")
print("|---|---|---|---|---|---|---|---|")
for depth in ("p1", "p16"):
    med = {n: statistics.median(r["ops_per_s"] for r in by[(depth, n)]) for n in ("old", "new", "redis")}
    cpu = {n: statistics.median(r.get("server_cpu_pct", 0) for r in by[(depth, n)]) for n in ("old", "new", "redis")}
    # Per-round ratios show the spread that the medians hide.
    rounds = list(zip(by[(depth, "old")], by[(depth, "new")], by[(depth, "redis")]))
    nr = sorted(n["ops_per_s"] / r["ops_per_s"] for _, n, r in rounds)
    print("| P=%s | %.0f | %.0f | %.0f | %.2fx | %.2fx (%.2f-%.2f) | %.2fx | %.0f/%.0f/%.0f%% |" % (
        depth[1:], med["old"], med["new"], med["redis"], med["new"] / med["old"],
        med["new"] / med["redis"], nr[0], nr[-1], med["old"] / med["redis"], cpu["old"], cpu["new"], cpu["redis"]))
PY
