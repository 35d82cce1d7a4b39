"""The example scripts in examples/ work against a real server."""
import os
import subprocess
import sys

from harness import scaled
from support import FdLines, ServerTestCase, main, match

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples")


class Listen(ServerTestCase):
    def start_listener(self, *args):
        proc = subprocess.Popen(
            [sys.executable, os.path.join(EXAMPLES, "listen.py"), "--host", self.server.host,
             "--port", str(self.server.tcp_port), *args],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.addCleanup(self.stop_listener, proc)
        proc.lines = FdLines(proc.stdout.fileno())
        return proc

    @staticmethod
    def stop_listener(proc):
        if proc.poll() is None:
            proc.kill()
        proc.communicate()

    def test_prints_what_others_say(self):
        speaker = self.user("speaker", "lobby")
        listener = self.start_listener("--room", "lobby", "--nick", "ears")
        speaker.wait_event(match("joined", room="lobby", nick="ears"))
        self.ok(speaker, "say", room="lobby", text="hello from the test")
        self.ok(speaker, "say", room="lobby", text="bell\x07 and \\ backslash")
        self.assertEqual(listener.lines.read_line(), "[lobby] speaker: hello from the test")
        self.assertEqual(listener.lines.read_line(), "[lobby] speaker: bell\\x07 and \\\\ backslash")

    def test_exits_cleanly_at_shutdown(self):
        speaker = self.user("speaker", "lobby")
        listener = self.start_listener("--room", "lobby")
        speaker.wait_event(match("joined", room="lobby"))
        self.assertEqual(self.server.stop(), 0)
        self.assertEqual(listener.wait(scaled(5)), 0)

    def test_reports_a_taken_nick(self):
        self.user("taken")
        listener = self.start_listener("--nick", "taken")
        self.assertEqual(listener.wait(scaled(5)), 1)
        self.assertIn(b"nick_taken", listener.stderr.read())


if __name__ == "__main__":
    main()
