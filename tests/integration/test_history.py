"""history: since, limit, truncated, the --history cap, and the text-mode form."""
from support import ServerTestCase, main

KEPT = 5


class HistoryTestCase(ServerTestCase):
    def say_many(self, client, room, count, start=1):
        for n in range(start, start + count):
            self.ok(client, "say", room=room, text=f"m{n}")

    def history(self, client, room="r", **fields):
        reply = self.ok(client, "history", room=room, **fields)
        self.assertEqual(reply["room"], room)
        return reply

    def assertHistory(self, reply, seqs, truncated):
        self.assertEqual([m["seq"] for m in reply["messages"]], list(seqs), reply)
        self.assertEqual(reply["truncated"], truncated, reply)


class DefaultHistory(HistoryTestCase):
    server_args = ("--rate", "0")

    def test_entries_are_message_events_without_type(self):
        client = self.user("writer", "r")
        sent = self.ok(client, "say", room="r", text="first words")
        reply = self.history(client)
        self.assertEqual(reply["messages"], [{"room": "r", "from": "writer", "text": "first words",
                                              "seq": 1, "ts": sent["ts"]}])
        self.assertEqual((reply["seq"], reply["truncated"]), (1, False))

    def test_without_since_the_last_limit_messages_oldest_first(self):
        client = self.user("writer", "r")
        self.say_many(client, "r", 60)
        self.assertHistory(self.history(client), range(11, 61), False)
        self.assertHistory(self.history(client, limit=3), [58, 59, 60], False)
        self.assertHistory(self.history(client, limit=0), [], False)
        self.assertEqual(self.history(client, limit=3)["seq"], 60)
        self.assertEqual([m["text"] for m in self.history(client, limit=2)["messages"]],
                         ["m59", "m60"])

    def test_with_since_the_first_limit_messages_after_it(self):
        client = self.user("writer", "r")
        self.say_many(client, "r", 8)
        self.assertHistory(self.history(client, since=0), range(1, 9), False)
        self.assertHistory(self.history(client, since=2), range(3, 9), False)
        self.assertHistory(self.history(client, since=2, limit=2), [3, 4], False)
        self.assertHistory(self.history(client, since=8), [], False)
        self.assertHistory(self.history(client, since=100), [], False)

    def test_no_membership_needed_and_kept_after_the_room_empties(self):
        writer = self.user("writer", "r")
        self.say_many(writer, "r", 3)
        self.ok(writer, "leave", room="r")
        reader = self.user("reader")
        self.assertHistory(self.history(reader), [1, 2, 3], False)

    def test_unused_room_has_empty_history(self):
        reply = self.history(self.server.connect(), room="quiet")
        self.assertEqual((reply["messages"], reply["seq"], reply["truncated"]), ([], 0, False))

    def test_bad_arguments(self):
        client = self.server.connect()
        self.error(client, "invalid_room", "history", room="a b")
        for fields in [{"since": -1}, {"limit": -5}, {"since": "1"}, {"limit": None},
                       {"since": 2.5}]:
            with self.subTest(fields=fields):
                self.error(client, "bad_request", "history", room="r", **fields)


class SmallHistory(HistoryTestCase):
    server_args = ("--history", KEPT, "--rate", "0")

    def setUp(self):
        super().setUp()
        self.client = self.user("writer", "r")
        self.say_many(self.client, "r", 8)   # only 4..8 are kept

    def test_without_since_truncated_once_older_ones_are_dropped(self):
        self.assertHistory(self.history(self.client), range(4, 9), True)
        self.assertHistory(self.history(self.client, limit=2), [7, 8], True)

    def test_limit_is_capped_at_the_history_size(self):
        self.assertHistory(self.history(self.client, limit=100), range(4, 9), True)

    def test_since_tells_whether_something_was_missed(self):
        self.assertHistory(self.history(self.client, since=1), range(4, 9), True)
        self.assertHistory(self.history(self.client, since=2), range(4, 9), True)
        self.assertHistory(self.history(self.client, since=3), range(4, 9), False)
        self.assertHistory(self.history(self.client, since=6), [7, 8], False)
        self.assertHistory(self.history(self.client, since=1, limit=2), [4, 5], True)

    def test_seq_is_the_latest_even_when_truncated(self):
        self.assertEqual(self.history(self.client, limit=1)["seq"], 8)


class TextHistory(HistoryTestCase):
    def setUp(self):
        super().setUp()
        writer = self.user("writer", "r", "other")
        self.say_many(writer, "r", 3)
        self.ok(writer, "say", room="other", text="elsewhere")
        self.reader = self.server.connect()
        self.text_ok(self.reader, "/join r")

    def read_history(self, command):
        self.reader.send_line(command)
        lines = []
        while not (line := self.reader.recv_line()).startswith("+ "):
            self.assertFalse(line.startswith("! "), line)
            lines.append(line)
        return lines

    def test_current_room(self):
        self.assertEqual(self.read_history("/history"),
                         ["[r] writer: m1", "[r] writer: m2", "[r] writer: m3"])

    def test_count_only(self):
        self.assertEqual(self.read_history("/history 2"), ["[r] writer: m2", "[r] writer: m3"])

    def test_room_only_and_room_with_count(self):
        self.assertEqual(self.read_history("/history other"), ["[other] writer: elsewhere"])
        self.assertEqual(self.read_history("/history r 1"), ["[r] writer: m3"])

    def test_invalid_room(self):
        self.text_error(self.reader, "invalid_room", "/history \x01bad")


if __name__ == "__main__":
    main()
