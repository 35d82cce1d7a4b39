"""Text-mode escaping: user text never reaches a text client with raw control
characters, and every escaped line maps back to exactly what was sent."""
import re

from support import ServerTestCase, main, match, unescape_text

# Everything a text line must never carry raw.
RAW_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")

HOSTILE_TEXTS = {
    "C0 controls": "bell\x07 backspace\x08 nul\x00 cr\r lf\n vt\x0b ff\x0c",
    "tab": "col1\tcol2",
    "clear screen": "\x1b[2J\x1b[H",
    "colour": "\x1b[31mred\x1b[0m",
    "window title": "\x1b]0;owned\x07",
    "DEL": "rub\x7fout",
    "C1 controls": "next\u0085line csi\u009b31m osc\u009d st\u009c",
    "separators": "para\u2029graph line\u2028break",
    "backslash": "C:\\path\\to",
    "things that look like escapes": "\\x41 \\u0041 \\\\ \\n",
    "plain unicode": "caf\u00e9 \u540d\u524d \U0001F600",
}


class Escaping(ServerTestCase):
    def setUp(self):
        super().setUp()
        self.reader = self.server.connect()
        self.text_ok(self.reader, "/join r")
        self.writer = self.user("writer", "r")
        self.assertEqual(self.reader.recv_line(), "* writer joined r")

    def assertFaithful(self, line, prefix, original):
        self.assertIsNone(RAW_FORBIDDEN.search(line), f"raw control character in {line!r}")
        self.assertTrue(line.startswith(prefix), line)
        self.assertEqual(unescape_text(line[len(prefix):]), original, line)

    def test_room_messages(self):
        for name, text in HOSTILE_TEXTS.items():
            with self.subTest(name):
                self.ok(self.writer, "say", room="r", text=text)
                self.assertFaithful(self.reader.recv_line(), "[r] writer: ", text)

    def test_private_messages(self):
        self.text_ok(self.reader, "/nick reader")
        for name, text in HOSTILE_TEXTS.items():
            with self.subTest(name):
                self.ok(self.writer, "msg", to="reader", text=text)
                self.assertFaithful(self.reader.recv_line(), "(pm) writer: ", text)

    def test_history_lines(self):
        self.ok(self.writer, "say", room="r", text=HOSTILE_TEXTS["colour"])
        self.assertFaithful(self.reader.recv_line(), "[r] writer: ", HOSTILE_TEXTS["colour"])
        self.reader.send_line("/history 1")
        self.assertFaithful(self.reader.recv_line(), "[r] writer: ", HOSTILE_TEXTS["colour"])
        self.assertTrue(self.reader.recv_line().startswith("+ "))

    def test_text_said_by_a_text_user_reaches_json_exactly(self):
        speaker = self.server.connect()
        self.text_ok(speaker, "/nick speaker")
        self.text_ok(speaker, "/join r")
        self.assertEqual(self.reader.recv_line(), "* speaker joined r")
        said = "evil\x1b[2Jand\x07bell\x7f"
        speaker.send_raw(said.encode() + b"\n")
        self.assertEqual(self.writer.wait_event(match("message", room="r"))["text"], said)
        self.assertFaithful(self.reader.recv_line(), "[r] speaker: ", said)

    def test_echo_reply_is_escaped_too(self):
        self.reader.send_raw(b"/echo a\x1b[2Jb\x07\n")
        line = self.reader.recv_line()
        self.assertIsNone(RAW_FORBIDDEN.search(line), line)
        self.assertEqual(unescape_text(line), "a\x1b[2Jb\x07")

    def test_a_lone_cr_inside_a_text_line_is_kept_and_escaped(self):
        self.reader.send_raw(b"/echo a\rb\n")
        self.assertEqual(unescape_text(self.reader.recv_line()), "a\rb")


if __name__ == "__main__":
    main()
