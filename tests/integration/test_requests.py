"""JSON requests in general: reply shape, id echoing, ordering, and the
bad_json / bad_request / unknown_type errors."""
from support import ServerTestCase, main

# One valid request of every type that leaves the connection open.
EVERY_TYPE = [
    {"type": "hello"},
    {"type": "nick", "nick": "ider"},
    {"type": "join", "room": "r"},
    {"type": "say", "room": "r", "text": "t"},
    {"type": "msg", "to": "ider", "text": "to myself"},
    {"type": "who", "room": "r"},
    {"type": "rooms"},
    {"type": "history", "room": "r"},
    {"type": "echo", "text": "e"},
    {"type": "ping"},
    {"type": "stats"},
    {"type": "leave", "room": "r"},
]

MISSING_OR_MISTYPED = [
    {},
    {"type": 5},
    {"type": None},
    {"type": "nick"},
    {"type": "nick", "nick": 7},
    {"type": "join"},
    {"type": "join", "room": ["r"]},
    {"type": "leave"},
    {"type": "say", "room": "r"},
    {"type": "say", "text": "t"},
    {"type": "say", "room": "r", "text": 1},
    {"type": "msg", "text": "t"},
    {"type": "msg", "to": "x"},
    {"type": "who"},
    {"type": "history"},
    {"type": "history", "room": "r", "since": -1},
    {"type": "history", "room": "r", "since": "3"},
    {"type": "history", "room": "r", "limit": -1},
    {"type": "history", "room": "r", "limit": 1.5},
    {"type": "echo"},
    {"type": "echo", "text": {"a": 1}},
    {"type": "shutdown"},
    {"type": "shutdown", "token": 123},
]

BAD_IDS = [
    "x" * 65,
    "\u00e9" * 33,              # 33 characters, 66 bytes
    9223372036854775808,        # int64 max + 1
    -9223372036854775809,
    18446744073709551616,       # past uint64 too
    10 ** 30,
    1.5,
    True,
    None,
    [1],
    {"n": 1},
]


class ReplyShape(ServerTestCase):
    def test_every_type_replies_ok_with_for_and_id(self):
        client = self.server.connect()
        for n, request in enumerate(EVERY_TYPE):
            with self.subTest(request=request):
                reply = client.request({**request, "id": n})
                self.assertEqual((reply["type"], reply["for"], reply["id"]),
                                 ("ok", request["type"], n), reply)

    def test_replies_leave_in_request_order(self):
        client = self.server.connect()
        pipelined = b"".join(
            b'{"type":"%s","id":"r%d","room":"r","text":"x"}\n' % (t.encode(), i)
            for i, t in enumerate(["join", "say", "ping", "who", "echo", "leave", "ping"]))
        client.send_raw(pipelined)
        got = [client.recv_json() for _ in range(7)]
        self.assertEqual([r["id"] for r in got], [f"r{i}" for i in range(7)])
        self.assertTrue(all(r["type"] == "ok" for r in got), got)

    def test_unknown_fields_are_ignored(self):
        reply = self.ok(self.server.connect(), "echo", text="a",
                        extra={"nested": [1, 2]}, another=None)
        self.assertEqual(reply["text"], "a")

    def test_numbers_beyond_64_bits_are_still_json(self):
        client = self.server.connect()
        for number in [10 ** 30, -(10 ** 30), 18446744073709551616, 1.5e300]:
            with self.subTest(number=number):
                self.ok(client, "echo", text="big", extra=number)

    def test_echo_returns_text_unchanged(self):
        client = self.server.connect()
        for text in ["", "plain", "tab\tnew\nline", "\u0000\u001b[2J", "\U0001F600" * 100,
                     "q" * 60000]:
            self.assertEqual(self.ok(client, "echo", text=text)["text"], text)

    def test_ping_carries_a_timestamp(self):
        self.assertNow(self.ok(self.server.connect(), "ping")["ts"])


class Ids(ServerTestCase):
    def test_good_ids_are_echoed_exactly(self):
        client = self.server.connect()
        for id_ in ["", "x" * 64, "\u00e9" * 32, "\U0001F600" * 16, 0, -1,
                    9223372036854775807, -9223372036854775808]:
            with self.subTest(id=id_):
                self.assertEqual(client.request({"type": "ping", "id": id_})["id"], id_)

    def test_id_length_counts_decoded_bytes(self):
        client = self.server.connect()
        escaped = rb"\u00e9"                      # 6 bytes on the wire, 2 decoded
        client.send_raw(b'{"type":"ping","id":"' + escaped * 32 + b'"}\n')
        self.assertEqual(client.recv_json()["id"], "\u00e9" * 32)
        client.send_raw(b'{"type":"ping","id":"' + escaped * 33 + b'"}\n')
        self.assertEqual(client.recv_json()["code"], "bad_request")

    def test_bad_ids_are_bad_request_without_id(self):
        client = self.server.connect()
        for id_ in BAD_IDS:
            with self.subTest(id=id_):
                reply = self.error(client, "bad_request", "ping", id=id_)
                self.assertNotIn("id", reply)
                self.assertEqual(reply["for"], "ping")

    def test_request_with_bad_id_is_not_executed(self):
        client = self.server.connect()
        self.error(client, "bad_request", "join", room="r", id=True)
        self.assertEqual(self.ok(client, "who", room="r")["members"], [])

    def test_id_is_echoed_on_errors(self):
        reply = self.error(self.server.connect(), "not_in_room", "leave", room="r", id="e1")
        self.assertEqual((reply["for"], reply["id"]), ("leave", "e1"))


class Errors(ServerTestCase):
    def test_malformed_json_is_bad_json_and_connection_stays(self):
        client = self.server.connect()
        for raw in [b"{", b'{"type":"ping"', b'{"type":"ping"} x', b"{'type':'ping'}",
                    b'{"type":"ping",}', b'{"type":"ping","id":1,"id":}', b"{}}"]:
            with self.subTest(raw=raw):
                client.send_raw(raw + b"\n")
                reply = client.recv_json()
                self.assertEqual((reply["type"], reply["code"]), ("error", "bad_json"))
                self.assertNotIn("for", reply)
                self.assertNotIn("id", reply)
        self.assertQuiet(client)

    def test_missing_or_mistyped_fields_are_bad_request(self):
        client = self.server.connect()
        for request in MISSING_OR_MISTYPED:
            with self.subTest(request=request):
                reply = client.request({**request, "id": 9})
                self.assertEqual((reply["type"], reply["code"]), ("error", "bad_request"))
                if isinstance(request.get("type"), str):
                    self.assertEqual((reply["for"], reply["id"]), (request["type"], 9))
        self.assertQuiet(client)

    def test_unknown_type(self):
        reply = self.error(self.server.connect(), "unknown_type", "dance", id=7)
        self.assertEqual((reply["for"], reply["id"]), ("dance", 7))


if __name__ == "__main__":
    main()
