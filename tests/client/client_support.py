"""Shared pieces of the client's integration tests: running `parley`, reading
its output with deadlines, a TCP proxy the tests can cut, and a pseudo-terminal
session. Servers come from the integration harness (tests/integration).

Every wait is for data with a deadline; nothing sleeps to synchronise.
"""
import os
import re
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))

import harness  # noqa: E402
from harness import Server  # noqa: E402,F401  (re-exported)
from pty_session import PtySession as RawPtySession  # noqa: E402
from tcp_proxy import Proxy  # noqa: E402,F401

PARLEY = os.environ.get("PARLEY")

# Deadlines stretch with the harness (valgrind, sanitizers); 1x without it.
scaled = getattr(harness, "scaled", lambda timeout: timeout)


def match(type_, **fields):
    """A predicate for Client.wait_event: frame type and exact field values."""
    def pred(frame):
        return frame.get("type") == type_ and all(frame.get(k) == v for k, v in fields.items())
    pred.__name__ = f"match({type_}, {fields})"
    return pred


def require_parley():
    if not PARLEY:
        raise RuntimeError("PARLEY is not set: run through `meson test`, or export "
                           "PARLEY=build/src/client/parley PARLEYD=build/src/server/parleyd")
    return PARLEY


def client_env(extra=None):
    """The inherited environment minus what would change the client's output
    (a developer's NO_COLOR or admin token), plus `extra`; None removes."""
    env = dict(os.environ)
    for key in ("PARLEY_ADMIN_TOKEN", "NO_COLOR"):
        env.pop(key, None)
    for key, value in (extra or {}).items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run_parley(*args, env=None, timeout=15.0, stdin_text=None):
    """Runs parley to completion; returns the CompletedProcess (text)."""
    return subprocess.run([require_parley(), *map(str, args)],
                          input=stdin_text if stdin_text is not None else "",
                          capture_output=True, text=True, errors="replace",
                          env=client_env(env), timeout=scaled(timeout))


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LineReader:
    """Lines from a file descriptor, each waited for with a deadline."""

    def __init__(self, fd):
        self.fd = fd
        self.buf = b""
        self.eof = False

    def read_line(self, timeout=10.0):
        deadline = time.monotonic() + scaled(timeout)
        with selectors.DefaultSelector() as sel:
            sel.register(self.fd, selectors.EVENT_READ)
            while b"\n" not in self.buf:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not sel.select(remaining):
                    raise AssertionError(f"no line within {timeout} s (partial: {self.buf!r})")
                chunk = os.read(self.fd, 65536)
                if not chunk:
                    self.eof = True
                    raise AssertionError(f"output ended (partial: {self.buf!r})")
                self.buf += chunk
        line, _, self.buf = self.buf.partition(b"\n")
        return line.decode("utf-8", "replace")


class Background:
    """A long-running parley (listen): stdout read line by line; stderr drained
    by a thread into a buffer that tests can wait on, so it never blocks."""

    def __init__(self, *args, env=None):
        self.proc = subprocess.Popen([require_parley(), *map(str, args)],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, env=client_env(env))
        self.out = LineReader(self.proc.stdout.fileno())
        self._stderr = b""
        self._cond = threading.Condition()
        self._drain = threading.Thread(target=self._drain_stderr, daemon=True)
        self._drain.start()

    def _drain_stderr(self):
        while True:
            chunk = os.read(self.proc.stderr.fileno(), 65536)
            with self._cond:
                if not chunk:
                    self._cond.notify_all()
                    return
                self._stderr += chunk
                self._cond.notify_all()

    def read_line(self, timeout=10.0):
        try:
            return self.out.read_line(timeout)
        except AssertionError as e:
            raise AssertionError(f"{e}\n--- parley stderr ---\n{self.stderr_text()}") from None

    def stderr_text(self):
        with self._cond:
            return self._stderr.decode("utf-8", "replace")

    def wait_stderr(self, pattern, timeout=10.0):
        """Waits until stderr matches the regular expression `pattern`."""
        deadline = time.monotonic() + scaled(timeout)
        with self._cond:
            while not re.search(pattern, self._stderr.decode("utf-8", "replace")):
                remaining = deadline - time.monotonic()
                if remaining <= 0 or (not self._drain.is_alive()):
                    raise AssertionError(f"stderr never matched {pattern!r}:\n"
                                         f"{self._stderr.decode('utf-8', 'replace')}")
                self._cond.wait(remaining)

    def stop(self, sig=signal.SIGTERM, timeout=10.0):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        return self.wait(timeout)

    def wait(self, timeout=10.0):
        try:
            return self.proc.wait(scaled(timeout))
        finally:
            self.close()

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._drain.join(scaled(5.0))
        self.proc.stdout.close()
        self.proc.stderr.close()


class PtySession(RawPtySession):
    """parley on a pseudo-terminal, as a person would run it (TERM=xterm, UTF-8,
    no colours unless `env` turns NO_COLOR off)."""

    def __init__(self, *args, env=None, columns=100, rows=30):
        extra = {"TERM": "xterm", "NO_COLOR": "1", "LANG": "C.UTF-8"}
        extra.update(env or {})
        super().__init__([require_parley(), *map(str, args)], client_env(extra), columns, rows)


class ClientTestCase(unittest.TestCase):
    """A fresh server per test; helpers for JSON users of that server."""

    server_args = ()
    maxDiff = None

    def setUp(self):
        self.server = Server(*self.server_args)
        self.addCleanup(self.server.__exit__, None, None, None)

    def conn_args(self):
        return ["--port", self.server.tcp_port, "--udp-port", self.server.udp_port]

    def user(self, nick, *rooms):
        c = self.server.connect()
        self.ok(c, {"type": "nick", "nick": nick})
        for room in rooms:
            self.ok(c, {"type": "join", "room": room})
        return c

    def ok(self, client, request):
        reply = client.request(request)
        self.assertEqual(reply.get("type"), "ok", f"{request} -> {reply}")
        return reply


def main():
    unittest.main(module="__main__", verbosity=2)
