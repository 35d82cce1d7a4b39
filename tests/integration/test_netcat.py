"""Two people chatting with plain netcat, the way a first-time user would.
Uses `nc` (Debian: netcat-openbsd) when installed, otherwise a raw socket
that behaves the same on the wire."""
import os
import shutil
import socket
import subprocess

from harness import scaled
from support import FdLines, ServerTestCase, main

NC = shutil.which("nc")


class NetcatUser:
    """Types lines and reads what comes back, like a person at a terminal."""

    def __init__(self, server):
        self.proc = None
        self._sock = None
        if NC:
            # -N: send a FIN at end of input, as a user pressing Ctrl-D expects.
            self.proc = subprocess.Popen([NC, "-N", server.host, str(server.tcp_port)],
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=subprocess.DEVNULL)
            self._write_fd = self.proc.stdin.fileno()
            self._read_fd = self.proc.stdout.fileno()
        else:
            self._sock = socket.create_connection((server.host, server.tcp_port))
            self._write_fd = self._read_fd = self._sock.fileno()
        self._lines = FdLines(self._read_fd)

    def type(self, line):
        os.write(self._write_fd, line.encode() + b"\n")

    def read_line(self, timeout=5.0):
        return self._lines.read_line(timeout)

    def hang_up(self):
        """Ctrl-D: ends input, waits until the server hangs up too; returns
        nc's exit status (0 without nc)."""
        if self._sock:
            self._sock.settimeout(scaled(5))
            try:
                self._sock.shutdown(socket.SHUT_WR)
                while self._sock.recv(4096):
                    pass
            except ConnectionResetError:
                pass
            self._sock.close()
            return 0
        self.proc.stdin.close()
        status = self.proc.wait(scaled(5))
        self.proc.stdout.close()
        return status

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
            self.proc.stdout.close()
        if self._sock:
            self._sock.close()


class NetcatSession(ServerTestCase):
    def netcat(self):
        user = NetcatUser(self.server)
        self.addCleanup(user.kill)
        return user

    def expect_plus(self, user, command):
        user.type(command)
        reply = user.read_line()
        self.assertTrue(reply.startswith("+ "), f"{command!r} -> {reply!r}")

    def test_two_people_chat(self):
        alice, bob = self.netcat(), self.netcat()
        self.expect_plus(alice, "/nick alice")
        self.expect_plus(alice, "/join lobby")
        self.expect_plus(bob, "/nick bob")
        self.expect_plus(bob, "/join lobby")
        self.assertEqual(alice.read_line(), "* bob joined lobby")

        bob.type("hi alice, this is plain netcat")
        self.assertEqual(alice.read_line(), "[lobby] bob: hi alice, this is plain netcat")
        alice.type("hello bob")
        self.assertEqual(bob.read_line(), "[lobby] alice: hello bob")

        self.expect_plus(alice, "/msg bob just between us")
        self.assertEqual(bob.read_line(), "(pm) alice: just between us")
        bob.type("/echo still here")
        self.assertEqual(bob.read_line(), "still here")

        self.expect_plus(bob, "/quit")
        self.assertEqual(alice.read_line(), "* bob left lobby")
        self.assertEqual(bob.hang_up(), 0)

        self.expect_plus(alice, "/who")
        self.assertEqual(alice.hang_up(), 0)

    def test_ctrl_d_leaves_the_rooms(self):
        watcher = self.netcat()
        self.expect_plus(watcher, "/join lobby")
        leaver = self.netcat()
        self.expect_plus(leaver, "/nick leaver")
        self.expect_plus(leaver, "/join lobby")
        self.assertEqual(watcher.read_line(), "* leaver joined lobby")
        self.assertEqual(leaver.hang_up(), 0)
        self.assertEqual(watcher.read_line(), "* leaver left lobby")


if __name__ == "__main__":
    main()
