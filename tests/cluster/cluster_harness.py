"""A real redis-server and real parleyd nodes for the cluster tests.

Redis runs on a free loopback port in a temporary directory, with an
append-only file synced on every write, so that a restart keeps every
acknowledged message; its pub/sub output buffer limit is small, so that a
stalled node's subscription is cut off quickly. Nodes are parleyd processes
started by the integration harness (Server, Client), each with --cluster.
Every wait is a wait for data with a deadline.
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))

from harness import Client, Server, match, scaled  # noqa: E402,F401  (re-exported)

REDIS_SERVER = os.environ.get("REDIS_SERVER") or shutil.which("redis-server")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RespError(Exception):
    pass


class RedisClient:
    """Just enough RESP to look at what the nodes keep in Redis."""

    def __init__(self, port, timeout=5.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=scaled(timeout))
        self.buf = b""

    def close(self):
        self.sock.close()

    def call(self, *args):
        out = [b"*%d\r\n" % len(args)]
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            out.append(b"$%d\r\n%s\r\n" % (len(a), a))
        self.sock.sendall(b"".join(out))
        return self._read()

    def _line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("redis closed the connection")
            self.buf += chunk
        line, _, self.buf = self.buf.partition(b"\r\n")
        return line

    def _exact(self, n):
        while len(self.buf) < n + 2:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("redis closed the connection")
            self.buf += chunk
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        return data

    def _read(self):
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            raise RespError(rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            return None if n < 0 else self._exact(n).decode("utf-8", "replace")
        if kind == b"*":
            n = int(rest)
            return None if n < 0 else [self._read() for _ in range(n)]
        raise RespError(f"unexpected reply {line!r}")


class Redis:
    """A redis-server process; stop() and start() again keep port and data."""

    def __init__(self, *extra_args):
        if not REDIS_SERVER:
            raise unittest.SkipTest("redis-server is not installed (Debian package redis-server)")
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="parley-redis-")
        self.extra = [str(a) for a in extra_args]
        self.proc = None
        self.start()

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}"

    def start(self, timeout=10.0):
        args = [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", self.dir,
                "--appendonly", "yes", "--appendfsync", "always", "--save", "",
                "--daemonize", "no", "--logfile", os.path.join(self.dir, "redis.log"),
                # A node that stops reading its subscription is cut off at 1 MiB.
                "--client-output-buffer-limit", "pubsub 1mb 256kb 5",
                *self.extra]
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + scaled(timeout)
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"redis-server exited with {self.proc.returncode}\n{self.log_tail()}")
            try:
                c = RedisClient(self.port, timeout=1.0)
                try:
                    if c.call("PING") == "PONG":
                        return
                finally:
                    c.close()
            except (OSError, RespError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not answer PING within {timeout} s\n{self.log_tail()}")
            # Connection refused comes back at once: wait for the listener
            # without spinning.
            time.sleep(0.05)

    def stop(self, sig=signal.SIGTERM, timeout=10.0):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(scaled(timeout))

    def close(self):
        self.stop(signal.SIGKILL)
        shutil.rmtree(self.dir, ignore_errors=True)

    def client(self):
        return RedisClient(self.port)

    def call(self, *args):
        c = self.client()
        try:
            return c.call(*args)
        finally:
            c.close()

    def log_tail(self, lines=20):
        try:
            with open(os.path.join(self.dir, "redis.log"), errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return ""


class ClusterTestCase(unittest.TestCase):
    """A Redis and `node_count` nodes n1..nN per test, all stopped after it."""

    node_count = 3
    node_args = ("--rate", "0")
    redis_args = ()
    maxDiff = None

    def setUp(self):
        self.redis = Redis(*self.redis_args)
        self.addCleanup(self.redis.close)
        self.nodes = [self.start_node(f"n{i + 1}") for i in range(self.node_count)]

    def start_node(self, node_id, *extra):
        server = Server("--cluster", self.redis.url, "--node-id", node_id, *self.node_args, *extra, udp=False)
        self.addCleanup(server.__exit__, None, None, None)
        return server

    # -- JSON helpers, as in tests/integration/support.py ---------------------
    def user(self, node, nick=None, *rooms):
        client = node.connect()
        if nick is not None:
            self.ok(client, "nick", nick=nick)
        for room in rooms:
            self.ok(client, "join", room=room)
        return client

    def ok(self, client, type_, timeout=5.0, **fields):
        reply = client.request({"type": type_, **fields}, timeout=timeout)
        self.assertEqual(reply.get("type"), "ok", f"{type_} {fields} -> {reply}")
        self.assertEqual(reply.get("for"), type_, reply)
        return reply

    def error(self, client, code, type_, **fields):
        reply = client.request({"type": type_, **fields})
        self.assertEqual((reply.get("type"), reply.get("code")), ("error", code), f"{type_} {fields} -> {reply}")
        self.assertIsInstance(reply.get("message"), str, reply)
        return reply

    def settle(self, *clients):
        for client in clients:
            client.sync()
            client.events.clear()

    def wait_until(self, probe, what, timeout=10.0, interval=0.1):
        """Calls probe() until it returns something true; each call is a
        request answered by a server, so this waits on data, not on time."""
        deadline = time.monotonic() + scaled(timeout)
        last = None
        while time.monotonic() < deadline:
            last = probe()
            if last:
                return last
            time.sleep(interval)
        raise AssertionError(f"{what} did not happen within {timeout} s (last: {last!r})")


def main():
    unittest.main(verbosity=2)
