"""Invalid UTF-8 is bad_json in both modes, and the connection stays usable."""
from support import ServerTestCase, main, match

INVALID_SEQUENCES = {
    "overlong slash": b"\xc0\xaf",
    "overlong NUL": b"\xe0\x80\x80",
    "surrogate D800": b"\xed\xa0\x80",
    "surrogate DFFF": b"\xed\xbf\xbf",
    "above U+10FFFF": b"\xf4\x90\x80\x80",
    "lone continuation": b"\x80",
    "truncated sequence": b"\xe2\x82",
    "never valid byte": b"\xff",
}


class InvalidUtf8(ServerTestCase):
    def test_json_mode(self):
        client = self.server.connect()
        for name, bad in INVALID_SEQUENCES.items():
            with self.subTest(name):
                client.send_raw(b'{"type":"echo","text":"a' + bad + b'b"}\n')
                self.assertEqual(client.recv_json()["code"], "bad_json")
        self.assertQuiet(client)

    def test_text_mode(self):
        client = self.server.connect()
        for name, bad in INVALID_SEQUENCES.items():
            with self.subTest(name):
                client.send_raw(b"/echo a" + bad + b"b\n")
                self.assertTrue(client.recv_line().startswith("! bad_json:"))
        self.text_ok(client, "/ping")

    def test_invalid_text_line_said_to_a_room_reaches_nobody(self):
        listener = self.user("listener", "r")
        speaker = self.server.connect()
        self.text_ok(speaker, "/join r")
        listener.wait_event(match("joined"))
        speaker.send_raw(b"caf\xc3\n")
        self.assertTrue(speaker.recv_line().startswith("! bad_json:"))
        self.assertQuiet(listener)

    def test_escaped_lone_surrogates_are_bad_json(self):
        client = self.server.connect()
        for escaped in [rb"\ud800", rb"\udfff", rb"x\ud83dy", rb"\ude00\ud83d"]:
            with self.subTest(escaped=escaped):
                client.send_raw(b'{"type":"echo","text":"' + escaped + b'"}\n')
                self.assertEqual(client.recv_json()["code"], "bad_json")

    def test_escaped_surrogate_pair_is_fine(self):
        client = self.server.connect()
        client.send_raw(b'{"type":"echo","text":"\\ud83d\\ude00"}\n')
        self.assertEqual(client.recv_json()["text"], "\U0001F600")

    def test_valid_four_byte_characters_pass(self):
        client = self.server.connect()
        client.send_raw('{"type":"echo","text":"\U0010FFFF\U0001F600"}\n'.encode())
        self.assertEqual(client.recv_json()["text"], "\U0010FFFF\U0001F600")


if __name__ == "__main__":
    main()
