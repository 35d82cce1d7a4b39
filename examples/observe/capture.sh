#!/usr/bin/env bash
# Reproduces every capture in docs/OBSERVE.md: starts parleyd on loopback (TCP,
# UDP and TLS with a throwaway certificate), runs each scenario while tshark
# captures on lo, and prints each command followed by its output.
#
#   examples/observe/capture.sh [--build DIR] [--out DIR]
#                               [--tcp-port P] [--udp-port P] [--tls-port P]
#
# --build  build directory holding src/server/parleyd and src/client/parley
#          (default: build at the top of the repository)
# --out    keep the captures, certificate and logs in DIR (default: a temporary
#          directory that is removed at the end)
# Ports default to 7070/7070/7443, the ones the guide shows; pick others when
# those are taken. Needs root (or the capture capabilities) for tshark on lo.
# Everything stays on 127.0.0.1 and the whole run is bounded to a few minutes.
# Exit status: 0 when every scenario showed the behaviour the guide describes,
# 1 when a check failed, 2 on a usage error or a missing tool.
set -euo pipefail

if [ -z "${PARLEY_OBSERVE_BOUNDED:-}" ]; then
    PARLEY_OBSERVE_BOUNDED=1 exec timeout -k 5 300 "$0" "$@"
fi

repo=$(cd "$(dirname "$0")/../.." && pwd)
build=$repo/build
out=""
tcp_port=7070 udp_port=7070 tls_port=7443
# tshark may report "Capturing on" a moment before packets really reach the
# file, so every capture also takes UDP datagrams to this port: one marks the
# start (traffic begins only once it is in the file) and one the end (the
# capture stops only once it is in the file). They are filtered out afterwards.
mark_port=9

usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit "$1"; }
while [ $# -gt 0 ]; do
    case $1 in
        --build) build=$(cd "$2" 2>/dev/null && pwd) || { echo "capture.sh: no directory $2" >&2; exit 2; }; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --tcp-port) tcp_port=$2; shift 2 ;;
        --udp-port) udp_port=$2; shift 2 ;;
        --tls-port) tls_port=$2; shift 2 ;;
        -h|--help) usage 0 ;;
        *) echo "capture.sh: unknown argument $1" >&2; usage 2 >&2 ;;
    esac
done

for tool in tshark nc ss openssl xxd timeout; do
    command -v "$tool" >/dev/null || { echo "capture.sh: $tool is missing (Debian: tshark, netcat-openbsd, iproute2, openssl, xxd)" >&2; exit 2; }
done
for bin in src/server/parleyd src/client/parley; do
    [ -x "$build/$bin" ] || { echo "capture.sh: $build/$bin not found; build it: ninja -C $build $bin" >&2; exit 2; }
done
PATH=$build/src/server:$build/src/client:$PATH
for p in "tcp $tcp_port" "tcp $tls_port" "udp $udp_port"; do
    set -- $p
    if [ -n "$(ss -Hln --"$1" "sport = :$2")" ]; then
        echo "capture.sh: $1 port $2 is in use; choose others with --tcp-port, --udp-port, --tls-port" >&2
        exit 2
    fi
done

if [ -n "$out" ]; then
    mkdir -p "$out"; work=$(cd "$out" && pwd)
else
    work=$(mktemp -d /tmp/parley-observe.XXXXXX)
fi
cd "$work"

server_pid="" tshark_pid="" failures=0
declare -A nc_pid=()
cleanup() {
    local pid
    for pid in "${nc_pid[@]}" $tshark_pid $server_pid; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    cd /
    [ -n "$out" ] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

section() { printf '\n==== %s\n' "$*"; }
note() { printf '# %s\n' "$*"; }
# Prints the command as a user would type it, then its output (standard error
# included, without tshark's warning about running as root).
show() {
    printf '$ %s\n' "$1"
    { eval "$1"; } 2>&1 | grep -v '^Running as user "root"' || true
}
check() {
    local what=$1; shift
    if eval "$@"; then note "check ok: $what"; else note "CHECK FAILED: $what"; failures=$((failures + 1)); fi
}
# Polls for a condition; the interval only paces the polling.
wait_for() {
    local limit=$1 cond=$2 deadline=$((SECONDS + $1))
    until eval "$cond"; do
        if [ $SECONDS -ge $deadline ]; then echo "capture.sh: gave up after ${limit}s waiting for: $cond" >&2; exit 1; fi
        sleep 0.05
    done
}
quiet_tshark() { tshark "$@" 2>/dev/null; }

start_server() {
    timeout 20 openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 30 \
        -subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2>/dev/null
    server_cmd="parleyd --tcp-port $tcp_port --udp-port $udp_port --tls-port $tls_port --tls-cert cert.pem --tls-key key.pem"
    $server_cmd >ready.txt 2>server.log &
    server_pid=$!
    wait_for 10 'grep -q "parleyd ready" ready.txt || ! kill -0 $server_pid 2>/dev/null'
    kill -0 "$server_pid" 2>/dev/null || { echo "capture.sh: parleyd did not start:" >&2; cat server.log >&2; exit 1; }
}

# --- captures ---------------------------------------------------------------
cap_name=""
marker_seen() { grep -qa "$1" "$cap_name.raw.pcapng" 2>/dev/null; }
mark() { printf '%s' "$1" >"/dev/udp/127.0.0.1/$mark_port"; }

capture_start() {
    cap_name=$1
    note "capturing: tshark -i lo -f '$2' -w $1.pcap"
    : >"$1.tshark.log"
    timeout 120 tshark -i lo -f "($2) or (udp port $mark_port)" -w "$1.raw.pcapng" 2>"$1.tshark.log" &
    tshark_pid=$!
    wait_for 20 'grep -q "Capturing on" "$cap_name.tshark.log" || ! kill -0 $tshark_pid 2>/dev/null'
    kill -0 "$tshark_pid" 2>/dev/null || { echo "capture.sh: tshark failed:" >&2; cat "$1.tshark.log" >&2; exit 1; }
    grep "Capturing on" "$1.tshark.log"
    local tag="parley-observe-begin-$1" deadline=$((SECONDS + 20))
    until marker_seen "$tag"; do
        [ $SECONDS -lt $deadline ] || { echo "capture.sh: tshark never saw the start marker" >&2; exit 1; }
        mark "$tag"; sleep 0.1
    done
}

capture_stop() {
    local tag="parley-observe-end-$cap_name"
    mark "$tag"
    wait_for 20 'marker_seen "$tag"'
    kill -TERM "$tshark_pid"; wait "$tshark_pid" || true; tshark_pid=""
    quiet_tshark -r "$cap_name.raw.pcapng" -Y "not udp.port == $mark_port" -F pcap -w "$cap_name.pcap"
    rm -f "$cap_name.raw.pcapng"
}

# --- netcat clients driven line by line ---------------------------------------
# Each client reads a FIFO held open here (fd 5 or 6), so every printf below is
# one write and, on loopback, one TCP segment.
nc_open() {  # name fd
    mkfifo "$1.in"
    eval "exec $2<>$1.in"
    timeout 60 nc 127.0.0.1 "$tcp_port" <"$1.in" >"$1.out" 2>&1 5>&- 6>&- &
    nc_pid[$1]=$!
}
nc_send() { printf '%s' "$3" >&"$2"; }  # name fd text
nc_wait() { wait_for 10 "grep -qF -- '$2' '$1.out'"; }
nc_close() {  # name fd: the server has closed; end stdin too and reap nc
    eval "exec $2>&-"
    wait "${nc_pid[$1]}" || true
    unset "nc_pid[$1]"
}

# --- the scenarios --------------------------------------------------------------
# The client flags appear only for ports other than the defaults, so that the
# commands shown are the ones a user types.
port_flag="" udp_flag=""
[ "$tcp_port" = 7070 ] || port_flag="--port $tcp_port "
[ "$udp_port" = "$tcp_port" ] || udp_flag="--udp-port $udp_port "
start_server
section "parleyd"
printf '$ %s 2>server.log &\n' "$server_cmd"
cat ready.txt

section "Listening sockets"
ports="sport = :$tcp_port or sport = :$tls_port" alt="$tcp_port|$tls_port"
[ "$udp_port" = "$tcp_port" ] || { ports="$ports or sport = :$udp_port"; alt="$alt|$udp_port"; }
show "ss -ltnup '$ports'"
if command -v netstat >/dev/null; then
    show "netstat -ltnup | grep -E ':($alt) '"
else
    note "netstat is not installed (Debian package net-tools)"
fi

section "Three-way handshake (and the whole life of one text-mode connection)"
capture_start handshake "tcp port $tcp_port"
show "printf '/ping\\n/quit\\n' | nc 127.0.0.1 $tcp_port"
capture_stop
show "tshark -r handshake.pcap"
show "tshark -r handshake.pcap -c 3 -T fields -e frame.number -e tcp.srcport -e tcp.dstport -e tcp.flags.str -e tcp.seq_raw -e tcp.ack_raw"
check "the first three packets are SYN, SYN/ACK, ACK" \
    '[ "$(quiet_tshark -r handshake.pcap -c 3 -T fields -e tcp.flags | tr "\n" " ")" = "0x0002 0x0012 0x0010 " ]'
check "both replies (+ pong, + bye) share one segment" \
    'quiet_tshark -r handshake.pcap -Y "tcp.srcport == $tcp_port && tcp.len > 0" -T fields -e tcp.payload | xxd -r -p | grep -q "^+ bye" && [ "$(quiet_tshark -r handshake.pcap -Y "tcp.srcport == $tcp_port && tcp.len > 0" | wc -l)" = 1 ]'

section "A chat message inside a TCP segment"
capture_start chat "tcp port $tcp_port"
nc_open bob 5
nc_send bob 5 $'/nick bob\n'; nc_wait bob "+ you are now bob"
nc_send bob 5 $'/join lobby\n'; nc_wait bob "+ joined lobby"
nc_open alice 6
nc_send alice 6 $'/nick alice\n'; nc_wait alice "+ you are now alice"
nc_send alice 6 $'/join lobby\n'; nc_wait alice "+ joined lobby"; nc_wait bob "* alice joined lobby"
show "ss -tnp 'sport = :$tcp_port or dport = :$tcp_port'"
nc_send alice 6 $'hello bob\n'; nc_wait bob "[lobby] alice: hello bob"
nc_send alice 6 $'one\ntwo\nthree\n'; nc_wait bob "[lobby] alice: three"
nc_send alice 6 $'/quit\n'; nc_wait alice "+ bye"; nc_wait bob "* alice left lobby"
nc_send bob 5 $'/quit\n'; nc_wait bob "+ bye"
nc_close alice 6; nc_close bob 5
capture_stop
note "what bob typed and saw (nc 127.0.0.1 $tcp_port):"
sed 's/^/bob< /' bob.out
note "what alice typed: /nick alice, /join lobby, hello bob, one+two+three in one write, /quit; she saw:"
sed 's/^/alice< /' alice.out
show "tshark -r chat.pcap -Y 'tcp.len > 0'"
hello=$(quiet_tshark -r chat.pcap -Y 'tcp.payload contains "hello bob"' -T fields -e frame.number | paste -sd,)
show "tshark -r chat.pcap -Y 'tcp.payload contains \"hello bob\"' -T fields -e frame.number -e tcp.srcport -e tcp.dstport -e tcp.len -e tcp.payload"
show "tshark -r chat.pcap -Y 'frame.number in {$hello}' -x"
show "tshark -r chat.pcap -Y 'tcp.payload contains \"three\"' -T fields -e tcp.srcport -e tcp.dstport -e tcp.len -e tcp.payload | cut -f4 | xxd -r -p"
check "bob got one, two and three in one segment" \
    '[ "$(quiet_tshark -r chat.pcap -Y "tcp.srcport == $tcp_port && tcp.payload contains \"alice: one\" && tcp.payload contains \"alice: three\"" | wc -l)" = 1 ]'
show "tshark -r chat.pcap -q -z follow,tcp,ascii,0"

section "FIN: /quit in the parley client"
capture_start fin "tcp port $tcp_port"
show "printf 'hello\\n/quit\\n' | parley ${port_flag}--nick carol --room lobby"
capture_stop
show "tshark -r fin.pcap"
client_port=$(quiet_tshark -r fin.pcap -c 1 -T fields -e tcp.srcport)
show "tshark -r fin.pcap -Y 'tcp.flags.fin == 1 || tcp.flags.reset == 1' -T fields -e frame.number -e tcp.srcport -e tcp.dstport -e tcp.flags.str"
show "tshark -r fin.pcap -Y 'tcp.len > 0' -T fields -e tcp.srcport -e tcp.payload | while read -r port hex; do printf '%s: ' \"\$port\"; echo \"\$hex\" | xxd -r -p; done"
show "ss -tn state time-wait 'sport = :$client_port or dport = :$client_port'"
check "both sides send FIN and nobody sends RST" \
    '[ "$(quiet_tshark -r fin.pcap -Y "tcp.flags.fin == 1" -T fields -e tcp.srcport | sort -u | wc -l)" = 2 ] && [ -z "$(quiet_tshark -r fin.pcap -Y "tcp.flags.reset == 1")" ]'

section "RST: /abort in the parley client"
capture_start rst "tcp port $tcp_port"
show "printf 'hello\\n/abort\\n' | parley ${port_flag}--nick carol --room lobby"
capture_stop
show "tshark -r rst.pcap"
client_port=$(quiet_tshark -r rst.pcap -c 1 -T fields -e tcp.srcport)
show "tshark -r rst.pcap -Y 'tcp.flags.fin == 1 || tcp.flags.reset == 1' -T fields -e frame.number -e tcp.srcport -e tcp.dstport -e tcp.flags.str"
show "ss -tan 'sport = :$client_port or dport = :$client_port'"
check "the client resets and nobody sends FIN" \
    '[ "$(quiet_tshark -r rst.pcap -Y "tcp.flags.reset == 1" -T fields -e tcp.srcport)" = "$client_port" ] && [ -z "$(quiet_tshark -r rst.pcap -Y "tcp.flags.fin == 1")" ]'
show "grep -E 'close .*\\(carol\\)' server.log"

section "UDP echo"
capture_start udp "udp port $udp_port"
show "echo hi | nc -u -w1 127.0.0.1 $udp_port"
show "parley udp-echo ${port_flag}${udp_flag}--count 2 'hello over udp'"
capture_stop
show "tshark -r udp.pcap"
show "tshark -r udp.pcap -T fields -e frame.number -e udp.srcport -e udp.dstport -e udp.length -e data.data"
check "every datagram came back unchanged" \
    '[ "$(quiet_tshark -r udp.pcap -Y "udp.dstport == $udp_port" -T fields -e data.data)" = "$(quiet_tshark -r udp.pcap -Y "udp.srcport == $udp_port" -T fields -e data.data)" ]'

section "The same conversation, in the clear and over TLS"
conv="/nick alice\\n/join lobby\\nthe password is swordfish\\n/quit\\n"
capture_start plain "tcp port $tcp_port"
show "printf '$conv' | nc 127.0.0.1 $tcp_port"
capture_stop
capture_start tls "tcp port $tls_port"
show "printf '$conv' | openssl s_client -connect 127.0.0.1:$tls_port -CAfile cert.pem -quiet"
capture_stop
show "tshark -r tls.pcap"
show "tshark -r plain.pcap -T fields -e tcp.payload | xxd -r -p | grep -c swordfish"
show "tshark -r tls.pcap -T fields -e tcp.payload | xxd -r -p | grep -c swordfish"
check "swordfish is on the wire in the clear and not over TLS" \
    'quiet_tshark -r plain.pcap -T fields -e tcp.payload | xxd -r -p | grep -q swordfish && ! quiet_tshark -r tls.pcap -T fields -e tcp.payload | xxd -r -p | grep -q swordfish'
show "tshark -r plain.pcap -Y 'tcp.payload contains \"swordfish\"' -x"
first_data=$(quiet_tshark -r tls.pcap -Y "tcp.dstport == $tls_port && tls.app_data && !tls.change_cipher_spec" -T fields -e frame.number | head -n 1)
show "tshark -r tls.pcap -Y 'frame.number == $first_data' -x"

section "Reading your own TLS traffic with a key log"
capture_start tls-keylog "tcp port $tls_port"
show "printf '$conv' | openssl s_client -connect 127.0.0.1:$tls_port -CAfile cert.pem -quiet -keylogfile keys.log"
capture_stop
show "tshark -r tls-keylog.pcap -o tls.keylog_file:keys.log"
show "tshark -r tls-keylog.pcap -o tls.keylog_file:keys.log -q -z follow,tls,ascii,0"
check "with the key log the said line can be read again" \
    'quiet_tshark -r tls-keylog.pcap -o tls.keylog_file:keys.log -q -z follow,tls,ascii,0 | grep -q swordfish'
for f in tls tls-keylog; do
    # The server stops reading once it has decided to close; a close_notify
    # from the client that arrives after that is answered with RST by the kernel.
    resets=$(quiet_tshark -r $f.pcap -Y "tcp.srcport == $tls_port && tcp.flags.reset == 1" | wc -l)
    note "$f.pcap: $([ "$resets" -gt 0 ] && echo "the server reset the connection after the client's close_notify" || echo "closed with FIN on both sides, no RST")"
done

section "Stopping"
kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=""
show "cat server.log"
[ -n "$out" ] && note "captures kept in $work: $(ls ./*.pcap | tr '\n' ' ')"
if [ "$failures" -gt 0 ]; then note "$failures check(s) failed"; exit 1; fi
note "every check passed"
