"""Shared pieces of the client's integration tests: running `parley`, reading
its output with deadlines, a TCP proxy the tests can cut, and a pseudo-terminal
session. Servers come from the integration harness (tests/integration).

Every wait is for data with a deadline; nothing sleeps to synchronise.
"""
import errno
import fcntl
import os
import pty
import re
import selectors
import signal
import socket
import struct
import subprocess
import sys
import termios
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))

from harness import Server, match, scaled  # noqa: E402,F401  (re-exported)

PARLEY = os.environ.get("PARLEY")


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


class Proxy:
    """A TCP proxy between the client and the server that a test can cut.

    cut() closes every proxied connection on both sides; with block=True it
    also stops listening, so reconnect attempts are refused until unblock()
    listens again on the same port. All socket work happens on one thread;
    the test thread hands it commands and waits for them to be done."""

    def __init__(self, target_port, target_host="127.0.0.1"):
        self.target = (target_host, target_port)
        self._listener = self._listen(0)
        self.port = self._listener.getsockname()[1]
        self.accepted = 0
        self.endings = []  # how client connections ended: "eof" (FIN) or "reset" (RST)
        self._pairs = {}  # socket -> its peer
        self._client_side = set()
        self._finished = set()  # sockets that have sent their FIN
        self._sel = selectors.DefaultSelector()
        self._sel.register(self._listener, selectors.EVENT_READ, "accept")
        self._wake_r, self._wake_w = socket.socketpair()
        self._sel.register(self._wake_r, selectors.EVENT_READ, "wake")
        self._commands = []
        self._cond = threading.Condition()
        self._running = True
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @staticmethod
    def _listen(port):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))
        s.listen(16)
        s.setblocking(False)
        return s

    # -- test thread -----------------------------------------------------------
    def _call(self, fn, timeout=5.0):
        done = threading.Event()
        with self._cond:
            self._commands.append((fn, done))
        self._wake_w.send(b"x")
        if not done.wait(scaled(timeout)):
            raise AssertionError("proxy thread did not run the command")

    def cut(self, block=False):
        def do():
            for s in list(self._pairs):
                self._drop(s)
            if block and self._listener is not None:
                self._sel.unregister(self._listener)
                self._listener.close()
                self._listener = None
        self._call(do)

    def unblock(self):
        def do():
            if self._listener is None:
                self._listener = self._listen(self.port)
                self._sel.register(self._listener, selectors.EVENT_READ, "accept")
        self._call(do)

    def wait_accepted(self, count, timeout=10.0):
        deadline = time.monotonic() + scaled(timeout)
        with self._cond:
            while self.accepted < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"proxy saw {self.accepted} connections, wanted {count}")
                self._cond.wait(remaining)

    def wait_ending(self, timeout=10.0):
        """How the first client connection that ended did so: "eof" or "reset"."""
        deadline = time.monotonic() + scaled(timeout)
        with self._cond:
            while not self.endings:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError("no client connection ended")
                self._cond.wait(remaining)
            return self.endings[0]

    def close(self):
        self._running = False
        self._wake_w.send(b"x")
        self._thread.join(scaled(5.0))
        self._wake_w.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    # -- proxy thread ----------------------------------------------------------
    def _drop(self, s):
        peer = self._pairs.pop(s, None)
        for sock in (s, peer):
            if sock is None:
                continue
            self._pairs.pop(sock, None)
            self._client_side.discard(sock)
            self._finished.discard(sock)
            try:
                self._sel.unregister(sock)
            except (KeyError, ValueError):
                pass
            sock.close()

    def _run(self):
        while self._running:
            for key, _ in self._sel.select(0.5):
                if key.data == "wake":
                    self._wake_r.recv(4096)
                    with self._cond:
                        commands, self._commands = self._commands, []
                    for fn, done in commands:
                        fn()
                        done.set()
                elif key.data == "accept":
                    self._accept()
                elif key.fileobj in self._pairs:
                    self._forward(key.fileobj)
        for s in list(self._pairs):
            self._drop(s)
        if self._listener is not None:
            self._listener.close()
        self._sel.close()
        self._wake_r.close()

    def _accept(self):
        try:
            client, _ = self._listener.accept()
        except BlockingIOError:
            return
        try:
            upstream = socket.create_connection(self.target, timeout=5)
        except OSError:
            client.close()
            return
        for s in (client, upstream):
            s.setblocking(True)
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._pairs[client] = upstream
        self._pairs[upstream] = client
        self._client_side.add(client)
        self._sel.register(client, selectors.EVENT_READ)
        self._sel.register(upstream, selectors.EVENT_READ)
        with self._cond:
            self.accepted += 1
            self._cond.notify_all()

    def _forward(self, s):
        try:
            data = s.recv(65536)
            ending = "eof"
        except ConnectionResetError:
            data, ending = None, "reset"
        except OSError:
            data, ending = None, "error"
        peer = self._pairs.get(s)
        if not data and s in self._client_side:
            with self._cond:
                self.endings.append(ending)
                self._cond.notify_all()
        if data is None or peer is None:
            return self._drop(s)
        if data == b"":
            # Pass the FIN on and keep the other direction open, as TCP does.
            self._sel.unregister(s)
            self._finished.add(s)
            if peer in self._finished:
                return self._drop(s)
            try:
                peer.shutdown(socket.SHUT_WR)
            except OSError:
                self._drop(s)
            return
        try:
            peer.sendall(data)
        except OSError:
            self._drop(s)


class PtySession:
    """parley on a pseudo-terminal of a fixed size: type keys, read the raw
    byte stream the terminal would get."""

    def __init__(self, *args, env=None, columns=100, rows=30):
        self.output = b""
        extra = {"TERM": "xterm", "NO_COLOR": "1", "LANG": "C.UTF-8"}
        extra.update(env or {})
        full_env = client_env(extra)
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # child
            try:
                os.execve(require_parley(), [require_parley(), *map(str, args)], full_env)
            finally:
                os._exit(127)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.status = None

    def type(self, text):
        os.write(self.fd, text.encode() if isinstance(text, str) else text)

    def _read_some(self, deadline):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        with selectors.DefaultSelector() as sel:
            sel.register(self.fd, selectors.EVENT_READ)
            if not sel.select(remaining):
                return False
        try:
            chunk = os.read(self.fd, 65536)
        except OSError as e:  # EIO: the child closed the terminal
            if e.errno != errno.EIO:
                raise
            chunk = b""
        if not chunk:
            raise EOFError
        self.output += chunk
        return True

    def expect(self, needle, timeout=10.0, start=0):
        """Waits until `needle` (bytes or str) is in the output after `start`;
        returns the index just past it."""
        if isinstance(needle, str):
            needle = needle.encode()
        deadline = time.monotonic() + scaled(timeout)
        while True:
            at = self.output.find(needle, start)
            if at >= 0:
                return at + len(needle)
            try:
                if not self._read_some(deadline) and time.monotonic() >= deadline:
                    raise AssertionError(f"{needle!r} not seen within {timeout} s; "
                                         f"screen so far: {self.output[-1500:]!r}")
            except EOFError:
                raise AssertionError(f"terminal closed before {needle!r}; "
                                     f"output: {self.output[-1500:]!r}") from None

    def wait_exit(self, timeout=10.0):
        deadline = time.monotonic() + scaled(timeout)
        while True:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid == self.pid:
                self.status = os.waitstatus_to_exitcode(status)
                return self.status
            try:
                if not self._read_some(min(deadline, time.monotonic() + 0.1)):
                    if time.monotonic() >= deadline:
                        raise AssertionError(f"parley still running after {timeout} s; "
                                             f"output: {self.output[-1500:]!r}")
            except EOFError:
                pid, status = os.waitpid(self.pid, 0)
                self.status = os.waitstatus_to_exitcode(status)
                return self.status

    def close(self):
        if self.status is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            self.status = -9
        os.close(self.fd)


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
