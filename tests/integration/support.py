"""Shared setup for the integration tests: a fresh server per test and short
ways to say "this request succeeds" or "this request fails with CODE"."""
import os
import re
import selectors
import sys
import time
import unittest

from harness import Server, match, scaled  # noqa: F401  (re-exported for the tests)

NOW_TOLERANCE_MS = 120_000


class ServerTestCase(unittest.TestCase):
    """Starts `Server(*server_args, **server_kwargs)` before each test and stops
    it after, failing the test if the server crashed or exited non-zero."""

    server_args = ()
    server_kwargs = {}
    maxDiff = None

    def setUp(self):
        self.server = self.start_server(*self.server_args, **self.server_kwargs)

    def start_server(self, *args, **kwargs):
        server = Server(*args, **kwargs)
        self.addCleanup(server.__exit__, None, None, None)
        return server

    # -- JSON helpers ----------------------------------------------------------
    def user(self, nick=None, *rooms, server=None):
        """A connected JSON client, renamed to `nick` and inside `rooms`."""
        client = (server or self.server).connect()
        if nick is not None:
            self.ok(client, "nick", nick=nick)
        for room in rooms:
            self.ok(client, "join", room=room)
        return client

    def ok(self, client, type_, **fields):
        reply = client.request({"type": type_, **fields})
        self.assertEqual(reply.get("type"), "ok", f"{type_} {fields} -> {reply}")
        self.assertEqual(reply.get("for"), type_, reply)
        return reply

    def error(self, client, code, type_, **fields):
        reply = client.request({"type": type_, **fields})
        self.assertEqual((reply.get("type"), reply.get("code")), ("error", code),
                         f"{type_} {fields} -> {reply}")
        self.assertIsInstance(reply.get("message"), str, reply)
        return reply

    def assertExitsByItself(self, server=None, timeout=10.0):
        """For an admin shutdown: the process ends on its own with status 0
        (and is not signalled by the cleanup while it is exiting)."""
        server = server or self.server
        self.assertEqual(server.proc.wait(scaled(timeout)), 0, server.stderr_tail())

    def settle(self, *clients):
        """Reads and forgets everything sent to `clients` so far."""
        for client in clients:
            client.sync()
            client.events.clear()

    def assertQuiet(self, client, text=False):
        """Nothing unread is stored and nothing is on its way to `client`."""
        self.assertEqual(client.events, [], "unexpected frames already received")
        self.assertEqual(client.sync(text=text), [], "unexpected frames before the ping reply")

    def assertNow(self, ts_ms):
        self.assertIsInstance(ts_ms, int)
        self.assertLess(abs(ts_ms - time.time() * 1000), NOW_TOLERANCE_MS)

    # -- text-mode helpers -----------------------------------------------------
    def text(self, client, line, timeout=5.0):
        """Sends a text command, returns the one reply line."""
        client.send_line(line)
        return client.recv_line(timeout)

    def text_ok(self, client, line):
        reply = self.text(client, line)
        self.assertTrue(reply.startswith("+ "), f"{line!r} -> {reply!r}")
        return reply

    def text_error(self, client, code, line):
        reply = self.text(client, line)
        self.assertTrue(reply.startswith(f"! {code}:"), f"{line!r} -> {reply!r}")
        return reply


class FdLines:
    """Reads lines from a pipe or socket file descriptor with a deadline
    (a buffered file object would hide lines it already read from select)."""

    def __init__(self, fd):
        self.fd = fd
        self._buf = b""

    def read_line(self, timeout=5.0):
        deadline = time.monotonic() + scaled(timeout)
        with selectors.DefaultSelector() as sel:
            sel.register(self.fd, selectors.EVENT_READ)
            while b"\n" not in self._buf:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not sel.select(remaining):
                    raise AssertionError(f"no line within {timeout} s ({self._buf!r})")
                chunk = os.read(self.fd, 65536)
                if not chunk:
                    raise AssertionError(f"output ended early ({self._buf!r})")
                self._buf += chunk
        line, _, self._buf = self._buf.partition(b"\n")
        return line.decode()


_ESCAPE_RE = re.compile(r"\\(?:\\|x([0-9A-Fa-f]{2})|u([0-9A-Fa-f]{4}))")


def unescape_text(line):
    """Inverse of text-mode escaping (\\\\, \\xHH, \\uHHHH)."""
    def one(m):
        if m.group(0) == "\\\\":
            return "\\"
        return chr(int(m.group(1) or m.group(2), 16))
    return _ESCAPE_RE.sub(one, line)


def main():
    unittest.main(module="__main__", verbosity=2)


def skip_file(reason):
    """Ends the test program with meson's 'skipped' status."""
    print(f"SKIP: {reason}")
    sys.exit(77)
