"""Black-box harness for parleyd: start a real server on kernel-chosen ports,
talk to it through real sockets, and fail loudly when it crashes.

Used by the integration tests here and by the client tests, so the public names
(Server, Client, PARLEYD) are a contract; add to them, do not change them.

Every wait is a wait for data with a deadline, never a sleep. With
PARLEYD_WRAPPER set (valgrind, say) the server runs many times slower, so every
deadline is multiplied by SLOWDOWN.
"""
import ipaddress
import json
import os
import re
import resource
import selectors
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import time

PARLEYD = os.environ.get("PARLEYD")
WRAPPER = shlex.split(os.environ.get("PARLEYD_WRAPPER", ""))
SLOWDOWN = float(os.environ.get("PARLEY_TIMEOUT_SCALE") or (10 if WRAPPER else 1))

READY_RE = re.compile(
    r"^parleyd ready tcp=(?P<tcp>\S+) udp=(?P<udp>\S+)(?: tls=(?P<tls>\S+))?$")

# What a sanitizer or valgrind writes when it finds something; UBSan keeps
# running after a report unless told otherwise, so the exit status alone is
# not enough.
SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                     "runtime error:", "ERROR SUMMARY: [1-9]")
_SANITIZER_RE = re.compile("|".join(SANITIZER_MARKERS))

CRASH_SIGNALS = {signal.SIGSEGV, signal.SIGABRT, signal.SIGBUS, signal.SIGFPE, signal.SIGILL}

REPLY_TYPES = ("ok", "error")


def scaled(timeout):
    return timeout * SLOWDOWN


def parse_address(text):
    """'127.0.0.1:7070' or '[::1]:7070' -> (host, port)."""
    if text.startswith("["):
        host, sep, port = text[1:].partition("]:")
    else:
        host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit():
        raise ValueError(f"not an address: {text!r}")
    return host, int(port)


def server_env(extra=None):
    """The inherited environment without an admin token (a developer's shell
    must not change what the tests see), plus `extra`; a None value removes."""
    env = dict(os.environ)
    env.pop("PARLEY_ADMIN_TOKEN", None)
    env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1")
    for key, value in (extra or {}).items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def require_parleyd():
    if not PARLEYD:
        raise RuntimeError("PARLEYD is not set: run through `meson test`, or "
                           "export PARLEYD=build/src/server/parleyd")
    return PARLEYD


def run_parleyd(*args, env=None, timeout=10.0):
    """Runs parleyd to completion (for flags that make it exit at once) and
    returns the CompletedProcess with text stdout and stderr."""
    cmd = [*WRAPPER, require_parleyd(), *map(str, args)]
    return subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                          env=server_env(env), timeout=scaled(timeout),
                          text=True, errors="replace")


def make_cert(directory, name="server"):
    """A fresh self-signed certificate and key for localhost and 127.0.0.1,
    valid for a day; returns (cert_path, key_path)."""
    cert = os.path.join(directory, f"{name}-cert.pem")
    key = os.path.join(directory, f"{name}-key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                    "-keyout", key, "-out", cert], check=True, capture_output=True, timeout=60)
    return cert, key


class TlsCertificates:
    """Mixin for a TestCase: a fresh certificate and key for the class
    (cls.cert, cls.key), an unrelated one to play a wrong CA
    (cls.other_cert), and a server with a TLS port on them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tmp = tempfile.TemporaryDirectory()
        cls.cert, cls.key = make_cert(cls.tmp.name)
        cls.other_cert, _ = make_cert(cls.tmp.name, "other")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()
        super().tearDownClass()

    def start_tls_server(self, *args):
        """A Server with a TLS port, stopped at cleanup; returns it and the
        TLS port's (host, port)."""
        server = Server("--tls-port", "0", "--tls-cert", self.cert, "--tls-key", self.key, *args)
        self.addCleanup(server.__exit__, None, None, None)
        return server, parse_address(server.ready_line.split(" tls=")[1])


class Server:
    """A parleyd process on kernel-chosen ports; a context manager."""

    def __init__(self, *extra_args, env=None, host="127.0.0.1", udp=True, nofile=None):
        """nofile: an open-file limit (soft and hard) for the server process."""
        self.host = host
        self.tcp_port = None
        self.udp_port = None
        self.ready_line = None
        self.stdout_after_ready = b""  # anything printed after the ready line
        self._clients = []
        self._stopped = False
        self._tmpdir = tempfile.mkdtemp(prefix="parleyd-test-")
        self.stderr_path = os.path.join(self._tmpdir, "stderr.log")
        udp_args = ["--udp-port", "0"] if udp else ["--no-udp"]
        self.args = [*WRAPPER, require_parleyd(), "--host", host, "--tcp-port", "0",
                     *udp_args, *map(str, extra_args)]
        self._stderr = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(self.args, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=self._stderr,
                                     env=server_env(env),
                                     preexec_fn=_limit_open_files(nofile) if nofile else None)
        try:
            self._read_ready_line(scaled(10.0))
        except BaseException:
            self._kill()
            raise

    def _read_ready_line(self, timeout):
        deadline = time.monotonic() + timeout
        data = b""
        with selectors.DefaultSelector() as sel:
            sel.register(self.proc.stdout, selectors.EVENT_READ)
            while b"\n" not in data:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not sel.select(remaining):
                    raise RuntimeError(f"no ready line within {timeout:.0f} s "
                                       f"(got {data!r})\n{self.stderr_tail()}")
                chunk = os.read(self.proc.stdout.fileno(), 4096)
                if not chunk:
                    raise RuntimeError(
                        f"parleyd exited before its ready line (status "
                        f"{self.proc.wait()}, stdout {data!r})\n{self.stderr_tail()}")
                data += chunk
        line, _, rest = data.partition(b"\n")
        self.ready_line = line.decode()
        self.stdout_after_ready = rest
        match = READY_RE.match(self.ready_line)
        if not match:
            raise RuntimeError(f"malformed ready line {self.ready_line!r}")
        tcp_host, self.tcp_port = parse_address(match["tcp"])
        if _is_ip_literal(self.host) and tcp_host != self.host:
            raise RuntimeError(f"ready line names {tcp_host}, asked for {self.host}")
        self.host = tcp_host  # a host name was asked for: connect where it bound
        if match["udp"] != "off":
            self.udp_port = parse_address(match["udp"])[1]

    def connect(self, timeout=5.0):
        sock = socket.create_connection((self.host, self.tcp_port), timeout=scaled(timeout))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        client = Client(sock)
        self._clients.append(client)
        return client

    def stop(self, sig=signal.SIGTERM, timeout=10.0):
        """Signals the server (if it still runs), waits for it, returns its exit
        status (negative: killed by that signal)."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(scaled(timeout))
            except subprocess.TimeoutExpired:
                self._kill()
                raise AssertionError(f"parleyd still running {timeout} s after "
                                     f"{signal.Signals(sig).name}\n{self.stderr_tail()}")
        self._stopped = True
        if self.proc.stdout and not self.proc.stdout.closed:
            self.stdout_after_ready += self.proc.stdout.read()
        self._close_files()
        return self.proc.returncode

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        stopped_by_test = self._stopped
        status = self.stop()
        stderr = self.stderr_text()
        problems = []
        if not stopped_by_test and status != 0:
            problems.append(f"parleyd exited with status {status}")
        elif -status in CRASH_SIGNALS:
            problems.append(f"parleyd died of {signal.Signals(-status).name}")
        if _SANITIZER_RE.search(stderr):
            problems.append("parleyd's stderr holds a sanitizer or valgrind report")
        for client in self._clients:
            client.close()
        shutil.rmtree(self._tmpdir, ignore_errors=True)
        if problems:
            report = "; ".join(problems) + "\n" + _tail(stderr)
            if exc_type is None:
                raise AssertionError(report)
            # The test already failed; the crash is likely why, so show it too.
            print(f"\n[harness] {report}", flush=True)
        return False

    def stderr_text(self):
        try:
            with open(self.stderr_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def stderr_tail(self, lines=40):
        return _tail(self.stderr_text(), lines)

    def _kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._close_files()

    def _close_files(self):
        if self.proc.stdout and not self.proc.stdout.closed:
            self.proc.stdout.close()
        if not self._stderr.closed:
            self._stderr.close()


def _is_ip_literal(host):
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return False


def _limit_open_files(n):
    def apply():
        resource.setrlimit(resource.RLIMIT_NOFILE, (n, n))
    return apply


def _tail(text, lines=40):
    kept = text.splitlines()[-lines:]
    return "--- parleyd stderr (tail) ---\n" + "\n".join(kept)


class Client:
    """One TCP connection to parleyd, read line by line."""

    def __init__(self, sock):
        self.sock = sock
        self.events = []
        self.closed_by = None  # "eof" or "reset", set by expect_closed
        self._buf = bytearray()
        self._sync_count = 0

    # -- sending -------------------------------------------------------------
    def send_raw(self, data: bytes):
        self.sock.settimeout(scaled(10.0))
        self.sock.sendall(data)

    def send_line(self, text):
        self.send_raw(text.encode("utf-8") + b"\n")

    def send_json(self, obj):
        self.send_line(json.dumps(obj, ensure_ascii=False))

    # -- receiving -----------------------------------------------------------
    def _fill(self, deadline, waiting_for):
        """Reads once into the buffer; False at EOF."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"timed out waiting for {waiting_for} "
                                 f"(unterminated input: {bytes(self._buf[:200])!r})")
        self.sock.settimeout(remaining)
        try:
            chunk = self.sock.recv(65536)
        except socket.timeout:
            raise AssertionError(f"timed out waiting for {waiting_for} "
                                 f"(unterminated input: {bytes(self._buf[:200])!r})") from None
        self._buf += chunk
        return bool(chunk)

    def recv_line(self, timeout=5.0) -> str:
        deadline = time.monotonic() + scaled(timeout)
        while True:
            end = self._buf.find(b"\n")
            if end >= 0:
                line = bytes(self._buf[:end])
                del self._buf[:end + 1]
                return line.decode("utf-8")
            if not self._fill(deadline, "a line"):
                raise AssertionError("connection closed while waiting for a line "
                                     f"(unterminated input: {bytes(self._buf[:200])!r})")

    def recv_json(self, timeout=5.0) -> dict:
        line = self.recv_line(timeout)
        try:
            frame = json.loads(line)
        except ValueError:
            raise AssertionError(f"server sent a line that is not JSON: {line!r}") from None
        if not isinstance(frame, dict):
            raise AssertionError(f"server sent JSON that is not an object: {line!r}")
        return frame

    def request(self, obj, timeout=5.0) -> dict:
        """Sends `obj`; returns the next ok/error, keeping events in self.events."""
        self.send_json(obj)
        return self.recv_reply(timeout)

    def recv_reply(self, timeout=5.0) -> dict:
        """The next ok/error frame; events read on the way go to self.events."""
        deadline = time.monotonic() + scaled(timeout)
        while True:
            frame = self.recv_json(max(0.0, deadline - time.monotonic()) / SLOWDOWN)
            if frame.get("type") in REPLY_TYPES:
                return frame
            self.events.append(frame)

    def wait_event(self, pred, timeout=5.0) -> dict:
        """The first frame, stored or new, for which pred(frame) is true; frames
        read on the way are kept in self.events."""
        for i, frame in enumerate(self.events):
            if pred(frame):
                return self.events.pop(i)
        deadline = time.monotonic() + scaled(timeout)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no matching event within {timeout} s; "
                                     f"seen: {self.events[-10:]}")
            frame = self.recv_json(remaining / SLOWDOWN)
            if pred(frame):
                return frame
            self.events.append(frame)

    def sync(self, text=False, timeout=5.0):
        """Sends a ping and returns every frame (dicts, or lines in text mode)
        that arrived before its reply. Replies and events are ordered per
        connection, so an empty list proves nothing else was pending."""
        self._sync_count += 1
        before = []
        if text:
            self.send_line("/ping")
            while True:
                line = self.recv_line(timeout)
                if line.startswith("+ "):
                    return before
                before.append(line)
        tag = f"sync-{self._sync_count}"
        self.send_json({"type": "ping", "id": tag})
        while True:
            frame = self.recv_json(timeout)
            if frame.get("type") == "ok" and frame.get("id") == tag:
                return before
            before.append(frame)

    def expect_closed(self, timeout=5.0) -> bytes:
        """Asserts that EOF or a reset arrives; returns whatever came before it
        (including bytes already buffered). Sets closed_by."""
        data = bytearray(self._buf)
        self._buf.clear()
        deadline = time.monotonic() + scaled(timeout)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"connection still open after {timeout} s "
                                     f"(received {bytes(data[-200:])!r})")
            self.sock.settimeout(remaining)
            try:
                chunk = self.sock.recv(1 << 20)
            except socket.timeout:
                continue
            except ConnectionResetError:
                self.closed_by = "reset"
                return bytes(data)
            if not chunk:
                self.closed_by = "eof"
                return bytes(data)
            data += chunk

    def close(self):
        self.sock.close()


def match(type_, **fields):
    """A predicate for wait_event: frame type and exact field values."""
    def pred(frame):
        return frame.get("type") == type_ and all(
            frame.get(k) == v for k, v in fields.items())
    pred.__name__ = f"match({type_}, {fields})"
    return pred
