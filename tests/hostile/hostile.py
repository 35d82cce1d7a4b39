"""Shared pieces of the hostile-client tests: the server harness of the
integration suite, a chat probe that runs beside each attack, and readings of
the server process (memory, descriptors, CPU) from /proc.

Every attack test asserts the same three things about everyone else: the
probe's messages all arrived, in seq order, with bounded latency; the server
is still answering; and what the attack cost the server is bounded.
"""
import json
import os
import subprocess
import sys
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))

from harness import SLOWDOWN, WRAPPER, Client, Server, match, scaled  # noqa: E402,F401

# Latency bounds for the probe while an attack runs. On an idle loopback a
# message takes well under a millisecond (p99 a few ms on a shared 2-core
# machine); a loop turn that no connection can monopolise keeps the median
# within a few milliseconds under attack. The tail bounds allow for scheduler
# hiccups while the attacking threads compete for the CPU, not for a stalled
# loop. Sanitizer builds run slower: PARLEY_TIMEOUT_SCALE scales all three.
P50_BOUND_MS = 10.0
P99_BOUND_MS = 150.0
MAX_BOUND_MS = 1000.0


def proc_status(pid, key):
    """A field of /proc/PID/status in KiB (VmRSS, VmHWM)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise KeyError(key)


def rss_mib(pid):
    return proc_status(pid, "VmRSS") / 1024.0


def peak_rss_mib(pid):
    return proc_status(pid, "VmHWM") / 1024.0


def open_fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def cpu_seconds(pid):
    """User plus system CPU time the process has used so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def lower_priority():
    """Makes the calling thread yield the CPU to the server and the probe.
    The attacks here run on the same machine as the server; at full priority
    their own CPU use (copying 64 KB datagrams, say) would delay the probe
    and be blamed on the server."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
    except (AttributeError, OSError):
        pass


def wait_until(predicate, timeout, what):
    """Polls `predicate` (a reading of server state, not a sleep standing in
    for one) until it holds or the deadline passes."""
    deadline = time.monotonic() + scaled(timeout)
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.02)


class Probe:
    """chat_probe.py in its own process, started and stopped around an attack."""

    def __init__(self, server, seconds, rate=50, room="probe"):
        cmd = [sys.executable, os.path.join(HERE, "chat_probe.py"), server.host,
               str(server.tcp_port), "--seconds", str(seconds), "--rate", str(rate),
               "--room", room]
        self.seconds = seconds
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline().strip()
        if line != "ready":
            self.proc.kill()
            raise AssertionError(f"chat probe did not start: {line!r}")
        self.result = None

    def finish(self):
        try:
            out, _ = self.proc.communicate(timeout=scaled(self.seconds + 30))
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise AssertionError("chat probe did not finish") from None
        self.result = json.loads(out.strip().splitlines()[-1])
        return self.result

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


class HostileTestCase(unittest.TestCase):
    """A fresh server per test, stopped (and checked for sanitizer reports and
    a clean exit) afterwards."""

    server_args = ()
    server_kwargs = {}
    maxDiff = None

    def setUp(self):
        self.server = self.start_server(*self.server_args, **self.server_kwargs)

    def start_server(self, *args, **kwargs):
        server = Server(*args, **kwargs)
        self.addCleanup(server.__exit__, None, None, None)
        return server

    def start_probe(self, seconds, rate=50, room="probe", server=None):
        probe = Probe(server or self.server, seconds, rate, room)
        self.addCleanup(probe.kill)
        return probe

    def assertChatHealthy(self, result, p50_ms=P50_BOUND_MS, p99_ms=P99_BOUND_MS, max_ms=MAX_BOUND_MS):
        """Every probe message arrived, in order, fast enough."""
        summary = json.dumps(result)
        self.assertGreater(result["sent"], 0, summary)
        self.assertEqual(result["errors"], [], summary)
        self.assertEqual(result["lost_count"], 0, summary)
        self.assertTrue(result["seq_contiguous"], summary)
        self.assertLessEqual(result["p50_ms"], p50_ms * SLOWDOWN, summary)
        self.assertLessEqual(result["p99_ms"], p99_ms * SLOWDOWN, summary)
        self.assertLessEqual(result["max_ms"], max_ms * SLOWDOWN, summary)

    def assertServerAnswers(self, server=None):
        client = (server or self.server).connect()
        reply = client.request({"type": "ping"})
        self.assertEqual(reply.get("type"), "ok", reply)
        client.close()

    def stats(self, server=None):
        client = (server or self.server).connect()
        reply = client.request({"type": "stats"})
        client.close()
        self.assertEqual(reply.get("type"), "ok", reply)
        return reply

    def wait_connections(self, expected, timeout=10.0, server=None):
        """Waits until stats counts `expected` connections besides the one
        asking. A full server (the closes not yet seen) counts as not yet."""
        def settled():
            client = (server or self.server).connect()
            try:
                reply = client.request({"type": "stats"})
            except (OSError, AssertionError):  # turned away as full, closed
                return False
            finally:
                client.close()
            return reply.get("type") == "ok" and reply["connections"] - 1 == expected
        wait_until(settled, timeout, f"{expected} connections")

    @property
    def measures_memory(self):
        # Under valgrind the process's memory is valgrind's; under ASan it
        # includes redzones and a quarantine of freed blocks.
        return not WRAPPER and not os.environ.get("PARLEY_SANITIZED")


def main():
    unittest.main(module="__main__", verbosity=2)
