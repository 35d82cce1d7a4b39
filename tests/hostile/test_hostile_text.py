"""Hostile text for netcat users, and hostile names. Terminal escape
sequences (clear screen, clipboard writes, 8-bit CSI), NUL, DEL, CR, line
separators, invalid UTF-8 (overlong forms, surrogates, beyond U+10FFFF) sent
in both modes and through every path that reaches a text-mode client
(room messages, private messages, history, echo): no byte a terminal acts on
reaches that client raw, every line maps back to exactly what was sent, and
invalid input is refused without closing anything. Nicks and room names that
could carry such text are refused outright."""
import re
import socket

from hostile import HostileTestCase, main, match, scaled

import support  # noqa: E402  (the integration suite's, for unescape_text)

ROOM = "lobby"

# What a terminal would act on: C0 but LF, DEL, C1 (as UTF-8: C2 80..C2 9F),
# U+2028 and U+2029 (E2 80 A8/A9).
RAW_CONTROL = re.compile(rb"[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xa8\xa9]")

ATTACKS = [
    "\x1b[2J\x1b[H you have been cleared",        # erase screen, cursor home
    "\x1b]52;c;cm0gLXJmIH4=\x07",                   # OSC 52: write the clipboard
    "\x1b]0;fake title\x07",                        # set the window title
    "\x9b31mred via 8-bit CSI\x9b0m",               # C1 CSI (U+009B)
    "bell\x07\x07\x07",
    "nul\x00byte",
    "del\x7f\x7f\x7fete",
    "overwrite\rfake",                              # CR: rewrite the line
    "line\u2028separator\u2029paragraph",
    "next\u0085line",                               # NEL
    "backslash \\x1b is text, not an escape",
    "\x1bP+q544e\x1b\\",                            # DCS query
]
# Only JSON can carry a LF inside a message: a forged second line.
JSON_ONLY = ["hi\n[lobby] admin: please run rm -rf ~", "tab\tand\vvertical"]

INVALID_UTF8 = [
    b"\xc0\xaf",            # overlong '/'
    b"\xe0\x80\xaf",        # overlong, three bytes
    b"\xed\xa0\x80",        # surrogate U+D800
    b"\xf4\x90\x80\x80",    # beyond U+10FFFF
    b"\x80",                # lone continuation byte
    b"\xe2\x82",            # truncated sequence
    b"\xff\xfe",
]

BAD_NICKS = ["", "n" * 33, "ann\x1b[31m", "ann\x07", "ann\u0085", "ann\u009b", "a b", "a\tb",
             "a\u00a0b", "a\u2028b", "a\u3000b", "a/b", "a@b", "a#b", "a:b", "a,b", 'a"b', "a\\b"]
BAD_ROOMS = ["", "r" * 65, "a b", "lobby\x1b[2J", "lobby\x00", "lobby\u0085", "a\u2028b", "tab\there"]


class Netcat:
    """A text-mode client read byte for byte, as a terminal would get it."""

    def __init__(self, testcase, server):
        self.tc = testcase
        self.sock = socket.create_connection((server.host, server.tcp_port), timeout=scaled(5))
        self.buf = b""

    def send(self, data):
        self.sock.sendall(data if isinstance(data, bytes) else data.encode("utf-8") + b"\n")

    def line(self):
        while b"\n" not in self.buf:
            chunk = self.sock.recv(65536)
            self.tc.assertTrue(chunk, f"connection closed ({self.buf!r})")
            self.buf += chunk
        raw, _, self.buf = self.buf.partition(b"\n")
        self.tc.assertIsNone(RAW_CONTROL.search(raw), f"raw control bytes reach a terminal: {raw!r}")
        return raw.decode("utf-8")

    def lines(self):
        """Every line since the last call: a ping's reply marks the end."""
        self.send("/ping")
        out = []
        while not (line := self.line()).startswith("+ pong"):
            out.append(line)
        return out

    def unescaped(self):
        return [support.unescape_text(line) for line in self.lines()]

    def close(self):
        self.sock.close()


class HostileText(HostileTestCase):
    def setUp(self):
        super().setUp()
        self.probe = self.start_probe(2.0)
        self.netcat = Netcat(self, self.server)   # a person on nc, text mode
        self.addCleanup(self.netcat.close)
        self.netcat.send(f"/join {ROOM}")
        self.assertTrue(self.netcat.line().startswith("+ "))
        self.json_reader = self.server.connect()
        self.assertEqual(self.json_reader.request({"type": "join", "room": ROOM})["type"], "ok")
        self.json_sender = self.server.connect()
        self.assertEqual(self.json_sender.request({"type": "nick", "nick": "jsend"})["type"], "ok")
        self.assertEqual(self.json_sender.request({"type": "join", "room": ROOM})["type"], "ok")
        self.text_sender = self.server.connect()
        self.text_sender.send_line("/nick tsend")
        self.text_sender.recv_line()
        self.text_sender.send_line(f"/join {ROOM}")
        self.text_sender.recv_line()
        self.netcat.lines()  # the joins and the rename
        self.json_reader.sync()
        self.json_reader.events.clear()

    def test_escapes_reach_terminals_escaped_and_json_exactly(self):
        for text in ATTACKS + JSON_ONLY:
            with self.subTest(text=text, via="json"):
                self.assertEqual(self.json_sender.request({"type": "say", "room": ROOM, "text": text})["type"], "ok")
                self.assertEqual(self.json_reader.wait_event(match("message", text=text))["from"], "jsend")
                self.assertEqual(self.netcat.unescaped(), [f"[{ROOM}] jsend: {text}"])
        for text in ATTACKS:
            with self.subTest(text=text, via="text"):
                self.text_sender.send_raw(text.encode("utf-8") + b"\n")
                self.assertEqual(self.json_reader.wait_event(match("message", text=text))["from"], "tsend")
                self.assertEqual(self.netcat.unescaped(), [f"[{ROOM}] tsend: {text}"])
        self.assertChatHealthy(self.probe.finish())

    def test_private_history_and_echo_paths_are_escaped_too(self):
        self.netcat.send("/hello")
        nick = self.netcat.line().split("hello ", 1)[1].split(",", 1)[0]
        for text in ATTACKS + JSON_ONLY:
            with self.subTest(text=text, via="private"):
                self.assertEqual(self.json_sender.request({"type": "msg", "to": nick, "text": text})["type"], "ok")
                self.assertEqual(self.netcat.unescaped(), [f"(pm) jsend: {text}"])
            with self.subTest(text=text, via="history"):
                self.assertEqual(self.json_sender.request({"type": "say", "room": ROOM, "text": text})["type"], "ok")
                self.assertEqual(self.netcat.unescaped(), [f"[{ROOM}] jsend: {text}"])
                self.netcat.send("/history 1")
                history = [self.netcat.line(), self.netcat.line()]
                self.assertEqual(support.unescape_text(history[0]), f"[{ROOM}] jsend: {text}")
                self.assertTrue(history[1].startswith("+ "), history)
        for text in ATTACKS:
            with self.subTest(text=text, via="echo"):
                self.netcat.send(b"/echo " + text.encode("utf-8") + b"\n")
                self.assertEqual(self.netcat.unescaped(), [text])
        self.assertChatHealthy(self.probe.finish())

    def test_invalid_utf8_is_refused_and_nothing_closes(self):
        for bad in INVALID_UTF8:
            with self.subTest(bad=bad):
                # Said as a text line, and inside a JSON string.
                self.text_sender.send_raw(b"said " + bad + b"\n")
                self.assertTrue(self.text_sender.recv_line().startswith("! bad_json:"))
                self.json_sender.send_raw(b'{"type":"say","room":"lobby","text":"' + bad + b'"}\n')
                self.assertEqual(self.json_sender.recv_reply()["code"], "bad_json")
        self.json_sender.send_raw(b'{"type":"say","room":"lobby","text":"\\ud800"}\n')
        self.assertEqual(self.json_sender.recv_reply()["code"], "bad_json")
        # None of it reached anyone, and everyone is still connected.
        self.assertEqual(self.netcat.lines(), [])
        self.assertEqual(self.json_reader.sync(), [])
        self.assertEqual(self.json_sender.request({"type": "ping"})["type"], "ok")
        self.assertChatHealthy(self.probe.finish())

    def test_hostile_nicks_are_refused(self):
        for nick in BAD_NICKS:
            with self.subTest(nick=nick):
                reply = self.json_sender.request({"type": "nick", "nick": nick})
                self.assertEqual(reply.get("code"), "invalid_nick", reply)
        # Case-folded duplicates of a taken nick, in either mode.
        self.assertEqual(self.json_reader.request({"type": "nick", "nick": "JSEND"}).get("code"), "nick_taken")
        self.netcat.send("/nick TSend")
        self.assertTrue(self.netcat.line().startswith("! nick_taken:"))
        self.assertEqual(self.netcat.lines(), [], "a refused rename announces nothing")
        self.assertChatHealthy(self.probe.finish())

    def test_hostile_room_names_are_refused(self):
        for room in BAD_ROOMS:
            with self.subTest(room=room):
                for kind in ("join", "who", "history"):
                    reply = self.json_sender.request({"type": kind, "room": room})
                    self.assertEqual(reply.get("code"), "invalid_room", (kind, reply))
        rooms = self.json_sender.request({"type": "rooms"})["rooms"]
        self.assertEqual(sorted(r["name"] for r in rooms), sorted({ROOM, "probe"}))
        self.assertChatHealthy(self.probe.finish())


if __name__ == "__main__":
    main()
