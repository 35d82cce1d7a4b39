"""TCP framing: lines however the bytes are cut, CRLF, blank lines, over-long
lines, and an unterminated line at EOF."""
import json
import os
import socket

from support import ServerTestCase, main, match

MAX_FRAME = 64
PING = b'{"type":"ping","id":"first"}\n'
# Multi-byte characters and a CRLF, so that cuts fall inside code points and
# between the CR and the LF.
ECHO_TEXT = "snow \u2603, caf\u00e9, \U0001F600"
ECHO = ('{"type":"echo","id":"\u00e9-\U0001F600","text":"%s"}\r\n' % ECHO_TEXT).encode()


class Splitting(ServerTestCase):
    server_args = ("--rate", "0")

    def test_json_frame_split_at_every_byte(self):
        client = self.server.connect()
        for cut in range(len(ECHO)):
            # The first part travels with a whole frame, and its reply proves the
            # server read that part before the rest was even sent.
            client.send_raw(PING + ECHO[:cut])
            self.assertEqual(client.recv_json()["id"], "first")
            client.send_raw(ECHO[cut:])
            reply = client.recv_json()
            self.assertEqual((reply["type"], reply["id"], reply["text"]),
                             ("ok", "\u00e9-\U0001F600", ECHO_TEXT), f"cut at {cut}")

    def test_text_frame_split_at_every_byte(self):
        client = self.server.connect()
        line = "/echo caf\u00e9 \U0001F600\r\n".encode()
        for cut in range(len(line)):
            client.send_raw(b"/ping\n" + line[:cut])
            self.assertTrue(client.recv_line().startswith("+ "))
            client.send_raw(line[cut:])
            self.assertEqual(client.recv_line(), "caf\u00e9 \U0001F600", f"cut at {cut}")

    def test_one_byte_per_send(self):
        client = self.server.connect()
        for byte in PING + ECHO + PING:
            client.send_raw(bytes([byte]))
        self.assertEqual([client.recv_json()["for"] for _ in range(3)], ["ping", "echo", "ping"])

    def test_many_frames_in_one_send(self):
        client = self.server.connect()
        client.send_raw(b"".join(b'{"type":"echo","id":%d,"text":"n%d"}\n' % (i, i)
                                 for i in range(200)))
        for i in range(200):
            reply = client.recv_json()
            self.assertEqual((reply["id"], reply["text"]), (i, f"n{i}"))


    def test_thousands_of_frames_then_fin_all_answered(self):
        # More frames than one connection may run in a loop turn, followed at
        # once by the FIN (a script piped into nc): every one is still run
        # and answered, in order, before the server closes.
        client = self.server.connect()
        count = 5000
        client.send_raw(b"".join(b'{"type":"echo","id":%d,"text":"n%d"}\n' % (i, i)
                                 for i in range(count)))
        client.sock.shutdown(socket.SHUT_WR)
        data = client.expect_closed(timeout=20)
        self.assertEqual(client.closed_by, "eof")
        replies = [json.loads(line) for line in data.splitlines()]
        self.assertEqual([r["id"] for r in replies], list(range(count)))
        self.assertTrue(all(r["text"] == f"n{r['id']}" for r in replies))


class LineEndings(ServerTestCase):
    def test_crlf_is_dropped_in_both_modes(self):
        client = self.server.connect()
        client.send_raw(b'{"type":"echo","text":"x"}\r\n')
        self.assertEqual(client.recv_json()["text"], "x")
        client.send_raw(b"/echo hi\r\n")
        self.assertEqual(client.recv_line(), "hi")

    def test_blank_and_whitespace_lines_are_ignored(self):
        client = self.server.connect()
        client.send_raw(b"\n\r\n   \n\t\t\n \t \r\n")
        self.assertQuiet(client)

    def test_blank_lines_do_not_change_the_mode(self):
        alice = self.server.connect()
        bob = self.user("bob", "r")
        self.text_ok(alice, "/join r")
        alice.send_raw(b"\n   \n")
        self.ok(bob, "say", room="r", text="still text?")
        self.assertEqual(alice.recv_line(), "[r] bob: still text?")


class OverlongLines(ServerTestCase):
    server_args = ("--max-frame", MAX_FRAME, "--rate", "0")

    def echo_of_size(self, size):
        frame = b'{"type":"echo","text":""}'
        return frame[:-2] + b"x" * (size - len(frame)) + frame[-2:]

    def test_frame_of_exactly_max_frame_bytes_is_accepted(self):
        client = self.server.connect()
        client.send_raw(self.echo_of_size(MAX_FRAME) + b"\n")
        reply = client.recv_json()
        self.assertEqual((reply["type"], len(reply["text"])), ("ok", MAX_FRAME - 25))

    def test_one_byte_over_gets_frame_too_large_and_stays_open(self):
        client = self.server.connect()
        client.send_raw(self.echo_of_size(MAX_FRAME + 1) + b"\n")
        self.assertEqual(client.recv_json()["code"], "frame_too_large")
        self.assertQuiet(client)

    def test_limit_holds_when_the_lf_comes_in_a_later_read(self):
        client = self.server.connect()
        for size, expected in [(MAX_FRAME, "ok"), (MAX_FRAME + 1, "frame_too_large")]:
            with self.subTest(size=size):
                client.send_raw(PING + self.echo_of_size(size))
                self.assertEqual(client.recv_json()["id"], "first")
                client.send_raw(b"\n")
                reply = client.recv_json()
                self.assertEqual(reply.get("code", reply["type"]), expected)
        self.assertQuiet(client)

    def test_bytes_up_to_the_next_lf_are_thrown_away(self):
        client = self.server.connect()
        # The tail looks like a request, but it belongs to the over-long line.
        client.send_raw(b"x" * 100 + b'{"type":"echo","text":"hidden"}\n'
                        + b'{"type":"echo","id":"after","text":"seen"}\n')
        self.assertEqual(client.recv_json()["code"], "frame_too_large")
        self.assertEqual(client.recv_json()["id"], "after")
        self.assertQuiet(client)

    def test_huge_line_in_many_sends_gets_one_error(self):
        client = self.server.connect()
        chunk = b"y" * 65536
        for _ in range(64):
            client.send_raw(chunk)
        client.send_raw(b"\n")
        self.assertEqual(client.recv_json()["code"], "frame_too_large")
        self.assertQuiet(client)

    def test_error_goes_out_in_the_current_mode(self):
        texter = self.server.connect()
        self.text_ok(texter, "/ping")
        texter.send_raw(b"{" + b"z" * 200 + b"\n")
        self.assertTrue(texter.recv_line().startswith("! frame_too_large:"))
        # and the over-long line did not switch the client to JSON
        self.text_ok(texter, "/ping")

        jsoner = self.server.connect()
        jsoner.send_raw(b"/" + b"z" * 200 + b"\n")
        self.assertEqual(jsoner.recv_json()["code"], "frame_too_large")

    def test_input_buffering_stays_bounded(self):
        status = f"/proc/{self.server.proc.pid}/status"
        if not os.path.exists(status) or self._runs_instrumented():
            self.skipTest("needs /proc and an uninstrumented server")
        client = self.server.connect()
        before = self._rss_kib(status)
        chunk = b"q" * (1 << 20)
        for _ in range(64):
            client.send_raw(chunk)
        client.send_raw(b"\n")
        self.assertEqual(client.recv_json()["code"], "frame_too_large")
        grown_mib = (self._rss_kib(status) - before) / 1024
        self.assertLess(grown_mib, 16, "64 MiB without a LF must not be buffered")

    def _runs_instrumented(self):
        with open(f"/proc/{self.server.proc.pid}/maps") as maps:
            text = maps.read()
        return "libasan" in text or "valgrind" in text or "vgpreload" in text

    @staticmethod
    def _rss_kib(status_path):
        with open(status_path) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise AssertionError("no VmRSS")


class EndOfInput(ServerTestCase):
    def test_unterminated_last_line_is_discarded(self):
        listener = self.user("listener", "r")
        speaker = self.user("speaker", "r")
        listener.wait_event(match("joined", nick="speaker"))
        speaker.send_raw(json.dumps({"type": "say", "room": "r", "text": "lost"}).encode())
        speaker.sock.shutdown(socket.SHUT_WR)
        self.assertEqual(speaker.expect_closed(), b"")
        left = listener.wait_event(match("left", nick="speaker"))
        self.assertEqual(left["reason"], "disconnect")
        self.assertQuiet(listener)

    def test_half_close_flushes_replies_then_closes(self):
        client = self.server.connect()
        client.send_raw(b"".join(b'{"type":"echo","id":%d,"text":"%s"}\n' % (i, b"e" * 5000)
                                 for i in range(50)))
        client.sock.shutdown(socket.SHUT_WR)
        for i in range(50):
            self.assertEqual(client.recv_json()["id"], i)
        self.assertEqual(client.expect_closed(), b"")
        self.assertEqual(client.closed_by, "eof")


if __name__ == "__main__":
    main()
