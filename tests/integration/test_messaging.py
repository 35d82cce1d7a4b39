"""say and msg: who receives what, seq numbering, and their errors."""
import threading

from support import ServerTestCase, main, match, scaled


class Say(ServerTestCase):
    server_args = ("--rate", "0")

    def test_every_other_member_gets_the_message(self):
        speaker = self.user("speaker", "r")
        listeners = [self.user(f"l{i}", "r") for i in range(3)]
        outsider = self.user("outsider", "elsewhere")
        self.settle(speaker, outsider, *listeners)

        reply = self.ok(speaker, "say", room="r", text="hello all")
        self.assertEqual((reply["room"], reply["seq"]), ("r", 1))
        self.assertNow(reply["ts"])
        for listener in listeners:
            self.assertEqual(listener.wait_event(match("message")),
                             {"type": "message", "room": "r", "from": "speaker",
                              "text": "hello all", "seq": 1, "ts": reply["ts"]})
        self.assertQuiet(speaker)
        self.assertQuiet(outsider)

    def test_seq_counts_per_room_from_one(self):
        client = self.user("s", "a", "b")
        seqs = [self.ok(client, "say", room=room, text="x")["seq"]
                for room in ["a", "a", "b", "a", "b"]]
        self.assertEqual(seqs, [1, 2, 1, 3, 2])

    def test_seq_never_goes_back_after_the_room_empties(self):
        client = self.user("s", "r")
        for _ in range(3):
            self.ok(client, "say", room="r", text="x")
        self.ok(client, "leave", room="r")
        self.assertEqual(self.ok(client, "rooms")["rooms"], [])
        self.assertEqual(self.ok(client, "join", room="r")["seq"], 3)
        self.assertEqual(self.ok(client, "say", room="r", text="y")["seq"], 4)

    def test_text_is_carried_exactly_in_json(self):
        speaker = self.user("speaker", "r")
        listener = self.user("listener", "r")
        text = "line\nbreak \t tab \x1b[31m red \u2028 \\ \"quoted\" \U0001F600"
        self.ok(speaker, "say", room="r", text=text)
        self.assertEqual(listener.wait_event(match("message"))["text"], text)

    def test_errors(self):
        client = self.user("s", "mine")
        self.user("other", "theirs")
        self.error(client, "not_in_room", "say", room="theirs", text="x")
        self.error(client, "not_in_room", "say", room="nowhere", text="x")
        self.error(client, "bad_request", "say", room="mine", text="")
        self.assertEqual(self.ok(client, "history", room="theirs")["messages"], [])

    def test_messages_arrive_in_order(self):
        speaker = self.user("speaker", "r")
        listener = self.user("listener", "r")
        speaker.send_raw(b"".join(b'{"type":"say","room":"r","text":"m%d"}\n' % i
                                  for i in range(100)))
        for i in range(100):
            event = listener.wait_event(match("message"))
            self.assertEqual((event["seq"], event["text"]), (i + 1, f"m{i}"))


class Backlog(ServerTestCase):
    # Room for a backlog bigger than the kernel's socket buffers, which on
    # loopback grow to several megabytes.
    server_args = ("--rate", "0", "--max-output", str(64 << 20))

    def test_a_listener_that_falls_behind_still_gets_everything_in_order(self):
        # More than the kernel will buffer for a listener that reads nothing
        # until all of it is sent: the server's writes to it go through in
        # part, the rest waits in its queue, and all of it arrives in order
        # once the listener reads.
        speaker = self.user("speaker", "r")
        listener = self.user("listener", "r")
        self.settle(speaker, listener)
        count = 100_000
        frames = b"".join(b'{"type":"say","room":"r","text":"%06d%s"}\n' % (i, b"x" * 94) for i in range(count))
        # The speaker is not reading its replies either; a thread sends so
        # that a server that stopped reading it would fail the test, not hang it.
        sending = threading.Thread(target=speaker.send_raw, args=(frames,), daemon=True)
        sending.start()
        sending.join(scaled(30))
        self.assertFalse(sending.is_alive(), "the server stopped reading the speaker")
        for i in range(count):
            event = listener.wait_event(match("message"))
            self.assertEqual((event["seq"], event["text"]), (i + 1, "%06d%s" % (i, "x" * 94)))


class PrivateMessages(ServerTestCase):
    def test_addressee_gets_private_and_sender_gets_ok(self):
        alice = self.user("alice")
        bob = self.user("bob")
        reply = self.ok(bob, "msg", to="alice", text="psst")
        self.assertEqual(reply["to"], "alice")
        self.assertNow(reply["ts"])
        self.assertEqual(alice.wait_event(match("private")),
                         {"type": "private", "from": "bob", "to": "alice", "text": "psst",
                          "ts": reply["ts"]})
        self.assertQuiet(bob)

    def test_no_shared_room_needed_and_bystanders_hear_nothing(self):
        alice = self.user("alice", "r")
        bob = self.user("bob")
        carol = self.user("carol", "r")
        self.settle(alice, carol)
        self.ok(bob, "msg", to="alice", text="direct")
        alice.wait_event(match("private", text="direct"))
        self.assertQuiet(carol)

    def test_no_such_nick(self):
        client = self.user("lonely")
        self.error(client, "no_such_nick", "msg", to="ghost", text="anyone?")
        gone = self.user("gone", "r")
        watcher = self.user("watcher", "r")
        gone.close()
        watcher.wait_event(match("left", nick="gone"))
        self.error(client, "no_such_nick", "msg", to="gone", text="still there?")


if __name__ == "__main__":
    main()
