"""--max-output: a client that stops reading is cut off, and nobody else
waits for it or loses anything."""
import json
import socket

from support import ServerTestCase, main, match

MAX_OUTPUT = 1 << 20
TEXT = "s" * 16000
MAX_ROUNDS = 2000   # 32 MB: far past the limit plus any kernel buffering


class SlowConsumer(ServerTestCase):
    server_args = ("--max-output", MAX_OUTPUT, "--rate", "0")

    def setUp(self):
        super().setUp()
        self.slow = self.server.connect()
        self.slow.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.ok(self.slow, "nick", nick="slow")
        self.ok(self.slow, "join", room="flood")
        self.speaker = self.user("speaker", "flood", "side")
        self.reader = self.user("reader", "flood")
        self.settle(self.speaker, self.reader)
        self.heard = []

    def say_and_hear(self, text):
        seq = self.ok(self.speaker, "say", room="flood", text=text)["seq"]
        self.heard.append(self.reader.wait_event(match("message", seq=seq))["seq"])

    def flood_until_cut_off(self):
        for _ in range(MAX_ROUNDS):
            self.say_and_hear(TEXT)
            left = [e for e in self.reader.events if e.get("type") == "left"]
            if left:
                return left
        self.fail(f"slow client not cut off after {MAX_ROUNDS * len(TEXT)} bytes")

    def test_cut_off_and_the_room_goes_on(self):
        left = self.flood_until_cut_off()
        self.assertEqual(left, [{"type": "left", "room": "flood", "nick": "slow",
                                 "reason": "disconnect"}])
        self.speaker.wait_event(match("left", nick="slow", reason="disconnect"))

        for n in range(20):
            self.say_and_hear(f"after {n}")
        self.assertEqual(self.heard, list(range(1, len(self.heard) + 1)),
                         "the reader missed messages")
        self.assertEqual(self.ok(self.reader, "who", room="flood")["members"],
                         ["reader", "speaker"])

    def test_the_slow_client_is_reset_after_at_most_a_last_error(self):
        self.flood_until_cut_off()
        received = self.slow.expect_closed(timeout=20)
        self.assertEqual(self.slow.closed_by, "reset")
        sent = len(self.heard) * len(TEXT)
        self.assertLess(len(received), sent, "its queue should have been dropped")
        # The last line, if it made it, is an error that says why; a frame
        # cut short by the kernel may come before it.
        for line in received.split(b"\n"):
            try:
                frame = json.loads(line)
            except ValueError:
                continue
            if frame.get("type") == "error":
                self.assertEqual(frame["code"], "slow_consumer")

    def test_nick_is_free_again(self):
        self.flood_until_cut_off()
        self.ok(self.server.connect(), "nick", nick="slow")


if __name__ == "__main__":
    main()
