#!/usr/bin/env python3
"""parley-bench --tls against a real parleyd with a TLS port: connect, echo
and chat complete with no errors and say "tls": true; a certificate the bench
does not trust fails every connection with a clear reason; --tls is refused
for targets and scenarios that have no TLS. Certificates are made at test
time with scripts/make-cert. No figure is compared with any threshold."""
import json
import os
import subprocess
import sys
import tempfile

from smoke_test import check, run_bench, start_parleyd, stop_parleyd

BENCH_TIMEOUT_S = 60


def make_cert(directory):
    subprocess.run([os.environ["MAKE_CERT"], directory], check=True, capture_output=True,
                   timeout=60)
    return os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")


def run_raw(*args):
    cmd = [os.environ["PARLEY_BENCH"], *args, "--no-progress"]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=BENCH_TIMEOUT_S)


def expect_tls(report, scenario):
    check(report, scenario)
    if report.get("tls") is not True:
        sys.exit(f"{scenario} --tls: report does not say tls true: {report}")


def expect_refused(what, done, *needles):
    if done.returncode != 2:
        sys.exit(f"{what}: expected exit status 2, got {done.returncode}: {done.stderr!r}")
    lines = done.stderr.strip().splitlines()
    if len(lines) != 1 or not all(n in lines[0] for n in needles):
        sys.exit(f"{what}: expected one error line naming {needles}, got {done.stderr!r}")


def main():
    with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryFile(mode="w+") as log:
        cert, key = make_cert(os.path.join(tmp, "server"))
        stranger, _ = make_cert(os.path.join(tmp, "stranger"))
        server, fields = start_parleyd(log, "--no-udp", "--tls-port", "0", "--tls-cert", cert,
                                       "--tls-key", key)
        if "tls" not in fields:
            stop_parleyd(server)
            sys.exit(f"parleyd's ready line names no TLS port: {fields}")
        tls = fields["tls"]
        target = f"parley://{tls}"
        try:
            connect = run_bench("connect", "--tls", "--ca", cert, "--target", target,
                                "--connections", "20", "--rooms", "2", "--hold", "0.2")
            expect_tls(connect, "connect")
            if connect["connections_held"] != 20 or connect["handshake_ms"]["samples"] != 20:
                sys.exit(f"connect --tls: not every connection was held: {connect}")

            echo = run_bench("echo", "--tls", "--ca", cert, "--target", target,
                             "--connections", "4", "--pipeline", "4", "--duration", "1",
                             "--warmup", "0.2")
            expect_tls(echo, "echo")

            chat = run_bench("chat", "--tls", "--ca", cert, "--target", target,
                             "--connections", "10", "--rooms", "2", "--senders", "2",
                             "--duration", "1", "--warmup", "0.2")
            expect_tls(chat, "chat")
            if chat["deliveries_missing"] != 0:
                sys.exit(f"chat --tls: deliveries missing: {chat}")

            # A server certificate signed by nobody the bench trusts.
            refused = run_raw("connect", "--tls", "--ca", stranger, "--target", target,
                              "--connections", "5", "--hold", "0.1", "--json")
            if refused.returncode == 0:
                sys.exit(f"connect with the wrong CA exited 0: {refused.stdout}")
            if "certificate verify failed" not in refused.stderr:
                sys.exit(f"connect with the wrong CA gave no reason: {refused.stderr!r}")
            report = json.loads(refused.stdout)
            if report["errors"] != 5 or report["errors_by_kind"] != {"connect_tls_handshake": 5}:
                sys.exit(f"connect with the wrong CA: unexpected errors {report['errors_by_kind']}")
            if report["connections_held"] != 0:
                sys.exit(f"connect with the wrong CA held connections: {report}")

            refused = run_raw("echo", "--tls", "--ca", stranger, "--target", target,
                              "--connections", "2", "--duration", "0.3", "--warmup", "0")
            if refused.returncode == 0 or "TLS handshake failed" not in refused.stderr:
                sys.exit(f"echo with the wrong CA: exit {refused.returncode}, {refused.stderr!r}")
        finally:
            stop_parleyd(server)

    expect_refused("--tls with redis://",
                   run_raw("echo", "--tls", "--target", "redis://127.0.0.1:6379"),
                   "--tls", "redis://")
    expect_refused("--tls with line://",
                   run_raw("echo", "--tls", "--target", "line://127.0.0.1:7071"),
                   "--tls", "line://")
    expect_refused("udp --tls", run_raw("udp", "--tls", "--target", "parley://127.0.0.1:7070"),
                   "--tls", "udp")
    expect_refused("--ca without --tls",
                   run_raw("echo", "--ca", "x.pem", "--target", "parley://127.0.0.1:7070"),
                   "--ca", "--tls")
    print("parley-bench TLS test passed")


if __name__ == "__main__":
    main()
