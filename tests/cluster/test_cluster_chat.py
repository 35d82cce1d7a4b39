"""Three nodes behave as one server: rooms, order, nicks, private messages,
who/rooms and stats, with the clients spread over the nodes."""
import json
import time

from cluster_harness import ClusterTestCase, main, match


class Order(ClusterTestCase):
    def collect(self, client, count, timeout=30.0):
        """(seq, from, text) in arrival order: the client's own says come
        as ok replies, the others' as message events."""
        seen = []
        deadline = time.monotonic() + timeout
        while len(seen) < count:
            frame = client.recv_json(max(0.1, deadline - time.monotonic()))
            if frame.get("type") == "ok" and frame.get("for") == "say":
                seen.append((frame["seq"], None, None))
            elif frame.get("type") == "message":
                seen.append((frame["seq"], frame["from"], frame["text"]))
            elif frame.get("type") not in ("joined", "left"):
                self.fail(f"unexpected frame {frame}")
        return seen

    def test_concurrent_says_have_one_order_on_every_node(self):
        per_client, names = 40, []
        clients = []
        for i, node in enumerate(self.nodes):
            for j in range(2):
                name = f"u{i}{j}"
                names.append(name)
                clients.append(self.user(node, name, "r"))
        self.settle(*clients)
        # Everyone writes at once, without waiting for replies.
        for name, client in zip(names, clients):
            client.send_raw(b"".join(
                json.dumps({"type": "say", "room": "r", "text": f"{name}-{k}"}).encode() + b"\n"
                for k in range(per_client)))
        total = per_client * len(clients)
        views = [self.collect(c, total) for c in clients]
        texts = {}
        for name, view in zip(names, views):
            seqs = [seq for seq, _, _ in view]
            self.assertEqual(seqs, list(range(1, total + 1)), f"{name} saw seqs out of order or with gaps")
            for seq, sender, text in view:
                if sender is not None:
                    self.assertEqual(texts.setdefault(seq, (sender, text)), (sender, text),
                                     f"members disagree on seq {seq}")
        # Every member's own lines are in order too, and each line was kept
        # under the seq its sender was told.
        history = self.ok(clients[0], "history", room="r", limit=1000)["messages"]
        self.assertEqual([m["seq"] for m in history][-100:], list(range(total - 99, total + 1)))
        for m in history:
            if m["seq"] in texts:
                self.assertEqual((m["from"], m["text"]), texts[m["seq"]])

    def test_a_member_joining_during_traffic_gets_every_later_message(self):
        speaker = self.user(self.nodes[0], "speaker", "busy")
        watcher = self.user(self.nodes[1], "watcher", "busy")
        speaker.send_raw(b"".join(b'{"type":"say","room":"busy","text":"m%d"}\n' % i for i in range(300)))
        late = self.user(self.nodes[2], "late")
        joined = self.ok(late, "join", room="busy")
        start = joined["seq"]
        self.assertLessEqual(start, 300)
        got = [late.wait_event(match("message"), timeout=20)["seq"] for _ in range(300 - start)]
        self.assertEqual(got, list(range(start + 1, 301)), "the late member missed or repeated messages")
        # The watcher saw all 300 in order.
        seqs = [watcher.wait_event(match("message"), timeout=20)["seq"] for _ in range(300)]
        self.assertEqual(seqs, list(range(1, 301)))


class RoomsAcrossNodes(ClusterTestCase):
    def test_joined_left_who_and_rooms(self):
        a = self.user(self.nodes[0], "ann", "lobby")
        b = self.user(self.nodes[1], "bob")
        reply = self.ok(b, "join", room="lobby")
        self.assertEqual((reply["members"], reply["seq"]), (["ann", "bob"], 0))
        self.assertEqual(a.wait_event(match("joined")), {"type": "joined", "room": "lobby", "nick": "bob"})
        c = self.user(self.nodes[2], "cyd", "lobby", "side")
        a.wait_event(match("joined", nick="cyd"))
        b.wait_event(match("joined", nick="cyd"))

        outsider = self.user(self.nodes[2], "out")
        self.assertEqual(self.ok(outsider, "who", room="lobby")["members"], ["ann", "bob", "cyd"])
        self.assertEqual(self.ok(outsider, "rooms")["rooms"],
                         [{"name": "lobby", "members": 3}, {"name": "side", "members": 1}])

        self.ok(b, "leave", room="lobby")
        for other in (a, c):
            self.assertEqual(other.wait_event(match("left", nick="bob")),
                             {"type": "left", "room": "lobby", "nick": "bob", "reason": "leave"})
        self.ok(c, "quit")
        self.assertEqual(a.wait_event(match("left", nick="cyd"))["reason"], "quit")
        d = self.user(self.nodes[1], "dee", "lobby")
        a.wait_event(match("joined", nick="dee"))
        d.close()
        self.assertEqual(a.wait_event(match("left", nick="dee"))["reason"], "disconnect")
        self.assertEqual(self.ok(outsider, "who", room="lobby")["members"], ["ann"])
        self.assertEqual(self.ok(outsider, "rooms")["rooms"], [{"name": "lobby", "members": 1}])
        self.assertEqual(self.ok(outsider, "who", room="nobody-here")["members"], [])

    def test_rejoin_changes_nothing_and_leave_of_foreign_room_fails(self):
        a = self.user(self.nodes[0], "ann", "r")
        b = self.user(self.nodes[1], "bob", "r")
        # An ok on one node does not mean another node has delivered the
        # event yet: wait for it.
        a.wait_event(match("joined", nick="bob"))
        self.settle(a, b)
        self.assertEqual(self.ok(b, "join", room="r")["members"], ["ann", "bob"])
        self.assertEqual(a.sync(), [], "a re-join must not announce anything")
        self.error(a, "not_in_room", "leave", room="elsewhere")
        self.error(a, "not_in_room", "say", room="elsewhere", text="x")
        self.error(a, "invalid_room", "join", room="has space")

    def test_text_mode_client_on_one_node_hears_json_client_on_another(self):
        t = self.nodes[0].connect()
        t.send_line("/nick tex")
        self.assertTrue(t.recv_line().startswith("+ "))
        t.send_line("/join r")
        self.assertTrue(t.recv_line().startswith("+ "))
        j = self.user(self.nodes[1], "jay", "r")
        self.assertEqual(t.recv_line(), "* jay joined r")
        self.ok(j, "say", room="r", text="hello\x1b[2J")
        self.assertEqual(t.recv_line(), "[r] jay: hello\\x1B[2J")
        t.send_line("plain words")
        self.assertEqual(j.wait_event(match("message"))["text"], "plain words")


class Nicks(ClusterTestCase):
    def test_guest_names_are_unique_across_nodes(self):
        nicks = []
        for node in self.nodes:
            for _ in range(4):
                nicks.append(self.ok(node.connect(), "hello")["nick"])
        self.assertEqual(len(set(nicks)), len(nicks), nicks)
        self.assertTrue(all(n.startswith("guest") for n in nicks), nicks)

    def test_a_nick_is_unique_across_nodes_case_insensitively(self):
        a = self.user(self.nodes[0], "Zed")
        b = self.user(self.nodes[1])
        self.error(b, "nick_taken", "nick", nick="zED")
        self.ok(a, "nick", nick="zed")  # case change of one's own nick
        self.ok(a, "nick", nick="other")
        self.ok(b, "nick", nick="ZED")  # free again

    def test_only_one_of_simultaneous_claims_wins(self):
        clients = [node.connect() for node in self.nodes for _ in range(2)]
        for c in clients:
            c.send_json({"type": "nick", "nick": "prize"})
        replies = [c.recv_reply() for c in clients]
        self.assertEqual(sorted(r["type"] for r in replies), ["error"] * 5 + ["ok"], replies)

    def test_nick_event_once_per_client_sharing_a_room(self):
        a = self.user(self.nodes[0], "old", "r1", "r2")
        b = self.user(self.nodes[1], "bee", "r1", "r2")
        c = self.user(self.nodes[2], "sea", "r2")
        d = self.user(self.nodes[2], "dee", "elsewhere")
        self.settle(a, b, c, d)
        self.ok(a, "nick", nick="new")
        for watcher in (b, c):
            self.assertEqual(watcher.wait_event(match("nick")), {"type": "nick", "old": "old", "nick": "new"})
            self.assertEqual(watcher.sync(), [], "the nick event must come once")
        self.assertEqual(d.sync(), [])
        self.assertEqual(a.sync(), [], "the renamed client gets the ok, not the event")
        self.assertEqual(self.ok(d, "who", room="r1")["members"], ["bee", "new"])
        self.ok(self.user(self.nodes[2]), "nick", nick="old")  # the old nick is free


class PrivateMessages(ClusterTestCase):
    def test_msg_reaches_the_addressee_on_another_node(self):
        a = self.user(self.nodes[0], "ann")
        b = self.user(self.nodes[2], "Bob")
        reply = self.ok(a, "msg", to="BOB", text="psst")
        self.assertEqual(reply["to"], "Bob")
        event = b.wait_event(match("private"))
        self.assertEqual({k: event[k] for k in ("from", "to", "text")}, {"from": "ann", "to": "Bob", "text": "psst"})
        self.assertEqual(event["ts"], reply["ts"])
        self.error(a, "no_such_nick", "msg", to="nobody", text="x")
        self.error(a, "bad_request", "msg", to="Bob", text="")

    def test_msg_to_oneself_comes_before_the_ok(self):
        a = self.user(self.nodes[1], "me")
        a.send_json({"type": "msg", "to": "me", "text": "note"})
        first = a.recv_json()
        self.assertEqual((first["type"], first["text"]), ("private", "note"))
        self.assertEqual(a.recv_json()["type"], "ok")


class History(ClusterTestCase):
    node_args = ("--rate", "0", "--history", "5")

    def test_history_is_served_by_any_node(self):
        a = self.user(self.nodes[0], "ann", "h")
        for i in range(1, 11):
            self.assertEqual(self.ok(a, "say", room="h", text=f"m{i}")["seq"], i)
        reader = self.user(self.nodes[2], "reader")
        h = self.ok(reader, "history", room="h")
        self.assertEqual(([m["text"] for m in h["messages"]], h["seq"], h["truncated"]),
                         (["m6", "m7", "m8", "m9", "m10"], 10, True))
        self.assertEqual(set(h["messages"][0]), {"room", "from", "text", "seq", "ts"})
        h = self.ok(reader, "history", room="h", since=7)
        self.assertEqual(([m["seq"] for m in h["messages"]], h["truncated"]), ([8, 9, 10], False))
        h = self.ok(reader, "history", room="h", since=2, limit=2)
        self.assertEqual(([m["seq"] for m in h["messages"]], h["truncated"]), ([6, 7], True))
        h = self.ok(reader, "history", room="h", since=10)
        self.assertEqual((h["messages"], h["truncated"]), ([], False))
        h = self.ok(reader, "history", room="never-used")
        self.assertEqual((h["messages"], h["seq"], h["truncated"]), ([], 0, False))

    def test_a_client_that_moves_to_another_node_catches_up(self):
        a = self.user(self.nodes[0], "ann", "r")
        b = self.user(self.nodes[1], "bob", "r")
        self.ok(a, "say", room="r", text="one")
        last = b.wait_event(match("message"))["seq"]
        b.close()
        self.ok(a, "say", room="r", text="two")
        self.ok(a, "say", room="r", text="three")
        b = self.user(self.nodes[2], "bob", "r")
        h = self.ok(b, "history", room="r", since=last)
        self.assertEqual([m["text"] for m in h["messages"]], ["two", "three"])

    def test_seq_survives_the_room_emptying(self):
        a = self.user(self.nodes[0], "ann", "e")
        self.ok(a, "say", room="e", text="x")
        self.ok(a, "leave", room="e")
        b = self.user(self.nodes[1], "bob")
        self.assertEqual(self.ok(b, "join", room="e")["seq"], 1)
        self.assertEqual(self.ok(b, "say", room="e", text="y")["seq"], 2)


class Stats(ClusterTestCase):
    def test_stats_show_the_node_and_the_cluster(self):
        clients = [self.user(node) for node in self.nodes for _ in range(2)]
        self.ok(clients[0], "join", room="a")
        self.ok(clients[2], "join", room="b")

        def cluster_view():
            s = self.ok(clients[0], "stats")
            c = s["cluster"]
            return s if (c["nodes"], c["connections"], c["rooms"]) == (3, 6, 2) else None

        s = self.wait_until(cluster_view, "the cluster figures", timeout=10)
        self.assertEqual((s["connections"], s["rooms"], s["cluster"]["node"]), (2, 1, "n1"))


if __name__ == "__main__":
    main()
