#!/usr/bin/env python3
"""Runs parley-bench for about a second against a real parleyd and checks that
the JSON report carries every documented key and that load actually flowed.
No figure is compared with any threshold: timing never enters the tests."""
import json
import os
import select
import signal
import subprocess
import sys
import tempfile

REQUIRED = ["scenario", "target", "duration_s", "ops_per_s", "latency_ms",
            "errors", "bench_cpu_pct"]
LATENCY = ["p50", "p90", "p99", "p999", "max"]


def start_parleyd(log, *args):
    """parleyd on kernel-chosen ports with `args` added; returns the process
    and its ready line's fields (tcp=..., udp=..., tls=...)."""
    server = subprocess.Popen(
        [os.environ["PARLEYD"], "--tcp-port", "0", "--rate", "0", "--log-level", "warn", *args],
        stdout=subprocess.PIPE, stderr=log, text=True)
    ready, _, _ = select.select([server.stdout], [], [], 10)
    if not ready:
        server.kill()
        sys.exit("parleyd printed no ready line within 10 s")
    line = server.stdout.readline().split()
    if line[:2] != ["parleyd", "ready"]:
        server.kill()
        sys.exit(f"unexpected first line from parleyd: {line}")
    return server, dict(part.split("=", 1) for part in line[2:])


def stop_parleyd(server):
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def run_bench(*args):
    cmd = [os.environ["PARLEY_BENCH"], *args, "--json", "--no-progress"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} exited {done.returncode}: {done.stderr}")
    lines = done.stdout.strip().splitlines()
    if len(lines) != 1:
        sys.exit(f"expected one JSON line on stdout, got {len(lines)}: {done.stdout!r}")
    return json.loads(lines[0])


def check(report, scenario):
    missing = [k for k in REQUIRED if k not in report]
    missing += [f"latency_ms.{k}" for k in LATENCY if k not in report.get("latency_ms", {})]
    if missing:
        sys.exit(f"{scenario}: report lacks {missing}: {report}")
    if report["scenario"] != scenario:
        sys.exit(f"{scenario}: report names scenario {report['scenario']}")
    if not report["ops_per_s"] > 0 or not report["latency_ms"]["samples"] > 0:
        sys.exit(f"{scenario}: no load went through: {report}")
    if report["errors"] != 0:
        sys.exit(f"{scenario}: errors {report['errors_by_kind']}")


def main():
    with tempfile.TemporaryFile(mode="w+") as log:
        server, fields = start_parleyd(log, "--udp-port", "0", "--max-output", "67108864")
        tcp, udp = fields["tcp"], fields["udp"]
        try:
            chat = run_bench("chat", "--target", f"parley://{tcp}", "--connections", "20",
                             "--rooms", "2", "--senders", "2", "--duration", "1",
                             "--warmup", "0.2", "--server-pid", str(server.pid))
            check(chat, "chat")
            if chat["deliveries_missing"] != 0:
                sys.exit(f"chat: deliveries missing: {chat}")
            if "server_cpu_pct" not in chat:
                sys.exit("chat: --server-pid given but no server_cpu_pct")
            echo = run_bench("echo", "--target", f"parley://{tcp}", "--connections", "4",
                             "--pipeline", "4", "--duration", "0.5", "--warmup", "0")
            check(echo, "echo")
            if echo.get("tls") is not False:
                sys.exit(f"echo without --tls: report does not say tls false: {echo}")
            datagrams = run_bench("udp", "--target", f"parley://{udp}", "--window", "8",
                                  "--duration", "0.3", "--warmup", "0")
            check(datagrams, "udp")
        finally:
            stop_parleyd(server)
    print("parley-bench smoke test passed")


if __name__ == "__main__":
    main()
