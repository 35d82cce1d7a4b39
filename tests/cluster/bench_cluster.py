"""Measures the cost of cluster mode with parley-bench (not a test).

    python3 tests/cluster/bench_cluster.py [--build build] [--duration 5] [--reps 1]

For each setup below it starts a fresh Redis and fresh nodes on loopback, runs
`parley-bench chat` three times (two closed loops, then a fixed 5,000 messages/s), samples the
CPU time of every parleyd and redis-server, and prints one Markdown table row per run
(the table of docs/CLUSTER.md, "Benchmarks"; with --reps N, the run with the median
throughput, and the range of all N). Everything it starts is stopped before
it exits, also on failure.

Setups: one parleyd without --cluster; one node with --cluster; two nodes with
--cluster sharing one port with --reuse-port (the kernel spreads the bench's
connections over them). Redis persists every write (appendfsync always, as
docs/CLUSTER.md asks for production) or once a second (everysec).
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from cluster_harness import Redis, free_port  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")
CHAT = ["--connections", "200", "--rooms", "20", "--size", "64"]
SCENARIOS = [
    ("20 senders, closed loop, 8 in flight each", ["--senders", "20", "--pipeline", "8"]),
    ("200 senders, closed loop, 1 in flight each", ["--senders", "200", "--pipeline", "1"]),
    ("20 senders, open loop, 5,000 msg/s", ["--senders", "20", "--rate", "5000"]),
]


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def start_node(parleyd, port, cluster_url=None, node_id=None):
    args = [parleyd, "--tcp-port", str(port), "--no-udp", "--rate", "0", "--max-output", str(64 << 20),
            "--log-level", "warn"]
    if cluster_url:
        args += ["--cluster", cluster_url, "--node-id", node_id, "--reuse-port"]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    line = proc.stdout.readline().decode()
    match = re.search(r"tcp=127\.0\.0\.1:(\d+)", line)
    if not match:
        proc.kill()
        raise RuntimeError(f"parleyd did not start: {line!r}")
    return proc, int(match.group(1))


def run(setup, nodes, fsync, bench, parleyd, duration, scenario_args):
    procs, redis = [], None
    try:
        if nodes == 0:
            proc, port = start_node(parleyd, 0)
            procs.append(proc)
        else:
            redis = Redis("--appendfsync", fsync)
            port = free_port()
            for i in range(nodes):
                procs.append(start_node(parleyd, port, redis.url, f"bench{i + 1}")[0])
        pids = [p.pid for p in procs] + ([redis.proc.pid] if redis else [])
        before = {pid: cpu_seconds(pid) for pid in pids}
        out = subprocess.run([bench, "chat", "--target", f"parley://127.0.0.1:{port}", *CHAT, *scenario_args,
                              "--duration", str(duration), "--warmup", "1", "--json", "--no-progress"],
                             capture_output=True, text=True, timeout=duration + 120)
        if out.returncode != 0:
            raise RuntimeError(f"parley-bench failed: {out.stderr[-2000:]}")
        result = json.loads(out.stdout)
        spent = {pid: cpu_seconds(pid) - before[pid] for pid in pids}
        acks = max(1, result["acks_total"])
        node_us = sum(spent[p.pid] for p in procs) / acks * 1e6
        redis_us = spent[redis.proc.pid] / acks * 1e6 if redis else 0.0
        return result, node_us, redis_us
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
        if redis:
            redis.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--duration", type=float, default=5)
    ap.add_argument("--reps", type=int, default=1)
    ap.add_argument("--json", help="also append every parley-bench result to this file")
    ap.add_argument("--only", help="run only the scenarios whose name contains this text")
    opts = ap.parse_args()
    parleyd = os.path.join(opts.build, "src/server/parleyd")
    bench = os.path.join(opts.build, "src/bench/parley-bench")
    setups = [
        ("1 parleyd, no cluster", 0, None),
        ("1 node, Redis fsync always", 1, "always"),
        ("1 node, Redis fsync everysec", 1, "everysec"),
        ("2 nodes --reuse-port, fsync always", 2, "always"),
        ("2 nodes --reuse-port, fsync everysec", 2, "everysec"),
    ]
    print(f"load average before: {os.getloadavg()[0]:.1f}; {os.cpu_count()} CPUs", flush=True)
    print("| setup | load | msg/s | deliveries/s | p50 ms | p99 ms | node CPU µs/msg | Redis CPU µs/msg |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for scenario, scenario_args in SCENARIOS:
        if opts.only and opts.only not in scenario:
            continue
        for name, nodes, fsync in setups:
            runs = []
            for _ in range(opts.reps):
                runs.append(run(name, nodes, fsync, bench, parleyd, opts.duration, scenario_args))
                result = runs[-1][0]
                if result["deliveries_missing"] or result["errors"]:
                    print(f"  (missing {result['deliveries_missing']}, errors {result['errors_by_kind']})")
                if opts.json:
                    with open(opts.json, "a") as f:
                        f.write(json.dumps({"setup": name, "scenario": scenario, **result}) + "\n")
            # The run with the median throughput stands for the setup; the
            # spread of the others is shown beside it.
            runs.sort(key=lambda r: r[0]["messages_per_s"])
            result, node_us, redis_us = runs[len(runs) // 2]
            rates = [r[0]["messages_per_s"] for r in runs]
            spread = f" ({min(rates):,.0f}-{max(rates):,.0f})" if len(runs) > 1 else ""
            lat = result["latency_ms"]
            redis_cell = f"{redis_us:.1f}" if nodes else "-"
            print(f"| {name} | {scenario} | {result['messages_per_s']:,.0f}{spread} | {result['ops_per_s']:,.0f} | "
                  f"{lat['p50']:.2f} | {lat['p99']:.2f} | {node_us:.1f} | {redis_cell} |", flush=True)
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
