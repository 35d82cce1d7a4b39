# Sourced by bench/run.sh and bench/compare.sh: the servers they start in the
# background on loopback, and their stopping at exit, also on failure.
# Sourcing makes LOGS (a temporary folder, removed at exit) and sets the traps;
# every server started goes into STARTED.
# shellcheck shell=bash

LOGS=$(mktemp -d)
STARTED=()
cleanup() {
  for pid in "${STARTED[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${STARTED[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$LOGS"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ready_line FILE PATTERN: waits (at most 10 s) for a server's ready line in
# its stdout file and prints it.
ready_line() {
  local file=$1 pattern=$2
  for _ in $(seq 100); do
    if grep -q "$pattern" "$file" 2>/dev/null; then grep -m1 "$pattern" "$file"; return 0; fi
    sleep 0.1
  done
  echo "$(basename "$0"): no ready line in $file" >&2
  return 1
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

stop_pid() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# start_parleyd BINARY NAME: parleyd as every benchmark runs it (no rate
# limit, a 64 MiB slow-consumer limit no run reaches); sets PARLEY_PID,
# PARLEY_TCP and PARLEY_UDP, with its output in $LOGS/NAME.out.
start_parleyd() {
  local binary=$1 name=$2 line
  "$binary" --tcp-port 0 --udp-port 0 --rate 0 --max-output 67108864 --log-level warn \
    >"$LOGS/$name.out" 2>"$LOGS/$name.err" &
  PARLEY_PID=$!
  STARTED+=("$PARLEY_PID")
  line=$(ready_line "$LOGS/$name.out" "parleyd ready")
  PARLEY_TCP=$(sed -n 's/.* tcp=\([^ ]*\).*/\1/p' <<<"$line")
  PARLEY_UDP=$(sed -n 's/.* udp=\([^ ]*\).*/\1/p' <<<"$line")
}

# start_redis: sets REDIS_PORT and REDIS_PID.
start_redis() {
  REDIS_PORT=$(free_port)
  # protected-mode off: the connect scenario's clients come from 127.1.x.y,
  # which protected mode would refuse; the server is bound to loopback only.
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --protected-mode no --save '' --appendonly no \
    --client-output-buffer-limit 'pubsub 64mb 64mb 0' --maxclients 19500 --logfile "$LOGS/redis.log" &
  REDIS_PID=$!
  STARTED+=("$REDIS_PID")
  for _ in $(seq 100); do
    redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "$(basename "$0"): redis-server did not answer" >&2
  return 1
}
