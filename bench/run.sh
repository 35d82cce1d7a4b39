#!/usr/bin/env bash
# Runs every benchmark scenario on loopback against parleyd, Redis and the two
# bare C baselines, one after the other on this machine, then writes the table
# and the latency-vs-load plot.
#
#   bench/run.sh [--build DIR] [--out DIR] [--quick]
#
# --build  meson build directory (default build-release; set up as a release
#          build if missing, and only the four needed targets are built)
# --out    where results go (default bench/results/latest): results.jsonl (one
#          parley-bench --json object per line), table.md, sweep.dat, plot
# --quick  short runs and small counts, to check the script itself
# --quiet-wait S  before each run, wait up to S seconds (default 60) for the
#          machine to be idle, so other people's work on a shared machine
#          disturbs the figures less; each result records the CPU that went
#          to neither bench nor server during its window (other_cpu_pct)
# --repeat N  run the chat, echo and udp comparisons N times (default 1),
#          alternating between the servers; the table keeps each one's best
#          run, which on a busy machine is the least disturbed one
#
# Servers: parleyd with --rate 0 --max-output 64 MiB (no per-connection rate
# limit, a slow-consumer limit no run reaches); redis-server with --save ''
# --appendonly no and the same 64 MiB output limit for pub/sub clients;
# line_echo and udp_echo from bench/. Every server is started on ports the
# kernel picks (or a free one found just before) and stopped at the end, also
# when the script fails. What is missing (redis-server, gnuplot-nox for the
# plot) is installed first by scripts/deps.sh --bench.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=build-release
OUT=bench/results/latest
QUICK=0
QUIET_WAIT=30
REPEAT=1
while [ $# -gt 0 ]; do
  case "$1" in
    --build) BUILD=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --quick) QUICK=1; shift ;;
    --quiet-wait) QUIET_WAIT=$2; shift 2 ;;
    --repeat) REPEAT=$2; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

if [ "$QUICK" = 1 ]; then
  DUR=1; WARM=0.3; HOLD=1; CONNECT_N=2000; BIG_ROOM=1000; SWEEP="2000 8000 20000"
else
  DUR=5; WARM=1; HOLD=3; CONNECT_N=19000; BIG_ROOM=10000
  SWEEP="2000 5000 10000 20000 30000 40000 50000 60000 80000"
fi

bash scripts/deps.sh --bench
[ -d "$BUILD" ] || meson setup "$BUILD" --buildtype=release >/dev/null
ninja -C "$BUILD" -j2 src/server/parleyd src/bench/parley-bench bench/line_echo bench/udp_echo >/dev/null
PARLEYD=$BUILD/src/server/parleyd
BENCH=$BUILD/src/bench/parley-bench
mkdir -p "$OUT"
RESULTS=$OUT/results.jsonl
: > "$RESULTS"
. bench/servers.sh

# Waits until the machine has been (nearly) idle for one second, at most
# QUIET_WAIT seconds; our servers are idle between runs.
wait_quiet() {
  python3 - "$QUIET_WAIT" <<'PY'
import sys, time
def sample():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:9]]
    return sum(v) - v[3] - v[4], sum(v)
deadline = time.monotonic() + float(sys.argv[1])
while True:
    b0, t0 = sample()
    time.sleep(1)
    b1, t1 = sample()
    busy = (b1 - b0) / max(1, t1 - t0)
    if busy < 0.10 or time.monotonic() > deadline:
        break
PY
}

# bench LABEL PID ARGS...: one run, appended to results.jsonl. When the bench
# process saturated a core, the run is repeated with two bench processes and
# both are kept; the table uses the better one.
bench() {
  local label=$1 pid=$2; shift 2
  local json
  wait_quiet
  if ! json=$("$BENCH" "$@" --json --no-progress --label "$label" --server-pid "$pid" 2>"$LOGS/bench.err"); then
    echo "$label: parley-bench failed: $(tail -1 "$LOGS/bench.err")" >&2
    echo "{\"label\":\"$label\",\"failed\":true}" >>"$RESULTS"
    return 0
  fi
  echo "$json" >>"$RESULTS"
  summarize "$json"
  if python3 -c 'import json,sys; j=json.loads(sys.argv[1]); sys.exit(0 if j["bench_saturated"] and j["bench_procs"]==1 else 1)' "$json" &&
     wait_quiet && json=$("$BENCH" "$@" --procs 2 --json --no-progress --label "$label" --server-pid "$pid" 2>"$LOGS/bench.err"); then
    echo "$json" >>"$RESULTS"
    summarize "$json"
  fi
}

summarize() {
  python3 -c '
import json, sys
j = json.loads(sys.argv[1])
l = j["latency_ms"]
print("%-26s %12.0f %s/s  p50 %.3f  p99 %.3f ms  errors %d  bench %.0f%% x%d  server %.0f%%  other %.0f%%" % (
    j["label"], j["ops_per_s"], j["ops_unit"], l["p50"], l["p99"], j["errors"],
    j["bench_cpu_pct"], j["bench_procs"], j.get("server_cpu_pct", 0), j.get("other_cpu_pct", 0)))
' "$1"
}

T=(--duration "$DUR" --warmup "$WARM")
# Which code was measured; PARLEY_COMMIT names it when the tree is an export.
COMMIT=${PARLEY_COMMIT:-$(git rev-parse --short HEAD 2>/dev/null || echo unknown)}
if [ -z "${PARLEY_COMMIT:-}" ] && ! git diff --quiet HEAD -- src include 2>/dev/null; then COMMIT="$COMMIT+dirty"; fi
echo "{\"meta\":true,\"started\":\"$(date -u +%FT%TZ)\",\"loadavg_before\":\"$(cut -d' ' -f1-3 /proc/loadavg)\",\"cpus\":$(nproc),\"cpu\":\"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)\",\"kernel\":\"$(uname -r)\",\"redis\":\"$(redis-server --version | cut -d' ' -f3)\",\"quick\":$QUICK,\"repeat\":$REPEAT,\"commit\":\"$COMMIT\"}" >>"$RESULTS"

start_parleyd "$PARLEYD" parleyd
start_redis
"$BUILD/bench/line_echo" --port 0 --exit-after 3600 >"$LOGS/line.out" 2>&1 &
LINE_PID=$!; STARTED+=("$LINE_PID")
"$BUILD/bench/udp_echo" --port 0 --exit-after 3600 >"$LOGS/udp.out" 2>&1 &
UDPE_PID=$!; STARTED+=("$UDPE_PID")
LINE_ADDR=$(ready_line "$LOGS/line.out" "line_echo ready" | sed 's/.*tcp=//')
UDPE_ADDR=$(ready_line "$LOGS/udp.out" "udp_echo ready" | sed 's/.*udp=//')
P=parley://$PARLEY_TCP
R=redis://127.0.0.1:$REDIS_PORT

CHAT1=(chat --connections 1000 --rooms 1 --senders 1 --pipeline 32 --size 64)
CHAT100=(chat --connections 1000 --rooms 100 --senders 10 --pipeline 1 --size 64)
CHAT100P=(chat --connections 1000 --rooms 100 --senders 10 --pipeline 32 --size 64)
for rep in $(seq "$REPEAT"); do
  echo "== chat fan-out ($rep/$REPEAT)"
  bench chat-1x1000/parley "$PARLEY_PID" "${CHAT1[@]}" --target "$P" "${T[@]}"
  bench chat-1x1000/redis "$REDIS_PID" "${CHAT1[@]}" --target "$R" "${T[@]}"
  bench chat-100x10/parley "$PARLEY_PID" "${CHAT100[@]}" --target "$P" "${T[@]}"
  bench chat-100x10/redis "$REDIS_PID" "${CHAT100[@]}" --target "$R" "${T[@]}"
  bench chat-100x10-p32/parley "$PARLEY_PID" "${CHAT100P[@]}" --target "$P" "${T[@]}"
  bench chat-100x10-p32/redis "$REDIS_PID" "${CHAT100P[@]}" --target "$R" "${T[@]}"

  echo "== echo, 50 connections ($rep/$REPEAT)"
  for depth in 1 16; do
    bench "echo-p$depth/parley" "$PARLEY_PID" echo --connections 50 --pipeline "$depth" --target "$P" "${T[@]}"
    bench "echo-p$depth/redis" "$REDIS_PID" echo --connections 50 --pipeline "$depth" --target "$R" "${T[@]}"
    bench "echo-p$depth/line" "$LINE_PID" echo --connections 50 --pipeline "$depth" --target "line://$LINE_ADDR" "${T[@]}"
  done

  echo "== udp echo, window 64 ($rep/$REPEAT)"
  for size in 64 1024; do
    bench "udp-$size/parley" "$PARLEY_PID" udp --window 64 --size "$size" --target "parley://$PARLEY_UDP" "${T[@]}"
    bench "udp-$size/baseline" "$UDPE_PID" udp --window 64 --size "$size" --target "parley://$UDPE_ADDR" "${T[@]}"
  done
done

echo "== latency against load: chat 100 rooms x 10, 10 senders, open loop"
for rate in $SWEEP; do
  bench "sweep-$rate/parley" "$PARLEY_PID" "${CHAT100[@]}" --rate "$rate" --target "$P" "${T[@]}"
  bench "sweep-$rate/redis" "$REDIS_PID" "${CHAT100[@]}" --rate "$rate" --target "$R" "${T[@]}"
done

# At 20 messages/s a fan-out starts while the last one is still going out;
# at 1 message/s each is alone, so its latency is what one fan-out costs.
echo "== one room of $BIG_ROOM members, 20 messages/s and 1 message/s"
BIG=(chat --connections "$BIG_ROOM" --rooms 1 --senders 1 --size 64 --procs 2)
bench "bigroom/parley" "$PARLEY_PID" "${BIG[@]}" --rate 20 --target "$P" "${T[@]}"
bench "bigroom/redis" "$REDIS_PID" "${BIG[@]}" --rate 20 --target "$R" "${T[@]}"
bench "bigroom-1/parley" "$PARLEY_PID" "${BIG[@]}" --rate 1 --target "$P" "${T[@]}"
bench "bigroom-1/redis" "$REDIS_PID" "${BIG[@]}" --rate 1 --target "$R" "${T[@]}"

echo "== $CONNECT_N idle connections, fresh servers"
stop_pid "$PARLEY_PID"; stop_pid "$REDIS_PID"
start_parleyd "$PARLEYD" parleyd
start_redis
P=parley://$PARLEY_TCP
R=redis://127.0.0.1:$REDIS_PORT
bench "connect/parley" "$PARLEY_PID" connect --connections "$CONNECT_N" --rooms 1000 --hold "$HOLD" --procs 2 --target "$P"
bench "connect/redis" "$REDIS_PID" connect --connections "$CONNECT_N" --rooms 1000 --hold "$HOLD" --procs 2 --target "$R"

echo "{\"meta\":true,\"finished\":\"$(date -u +%FT%TZ)\",\"loadavg_after\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}" >>"$RESULTS"
python3 bench/report.py "$RESULTS" "$OUT"
if command -v gnuplot >/dev/null; then
  gnuplot -e "datafile='$OUT/sweep.dat'; outfile='$OUT/latency-vs-load.png'" bench/latency.gp
  echo "plot: $OUT/latency-vs-load.png"
else
  echo "gnuplot not found (Debian: gnuplot-nox): no plot" >&2
fi
echo "table: $OUT/table.md"
