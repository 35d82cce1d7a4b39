"""`parley` on a pseudo-terminal: the test types keys and reads the raw bytes
the terminal would receive (there is no terminal emulator to ask instead)."""
import errno
import fcntl
import os
import pty
import selectors
import signal
import struct
import termios
import time

import harness

# Deadlines stretch with the harness (valgrind, sanitizers); 1x without it.
scaled = getattr(harness, "scaled", lambda timeout: timeout)


class PtySession:
    """A program on a pseudo-terminal of a fixed size: type keys, read the raw
    byte stream the terminal would get."""

    def __init__(self, argv, env, columns=100, rows=30):
        self.output = b""
        size = struct.pack("HHHH", rows, columns, 0, 0)
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # child: size the terminal before the program asks
            try:
                fcntl.ioctl(0, termios.TIOCSWINSZ, size)
                os.execve(argv[0], argv, env)
            finally:
                os._exit(127)
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
