"""Rooms: join, leave, who, rooms, name rules and the per-client room limit."""
from support import ServerTestCase, main, match

VALID_ROOMS = ["r", "#general", "a/b:c@d", "x" * 64, "\u00e9" * 64, "\U0001F600" * 64,
               "Caf\u00e9-\u540d"]
INVALID_ROOMS = {
    "empty": "",
    "65 characters": "x" * 65,
    "65 two-byte characters": "\u00e9" * 65,
    "space": "a b",
    "tab": "a\tb",
    "newline": "a\nb",
    "C0 control": "a\x01b",
    "escape": "a\x1bb",
    "DEL": "a\x7fb",
}


class Joining(ServerTestCase):
    def test_join_reply_lists_sorted_members_and_latest_seq(self):
        names = ["zed", "Zed2", "apple", "_under", "\u00e9clair", "Bob"]
        clients = [self.user(name, "room") for name in names[:-1]]
        reply = self.ok(self.user(names[-1]), "join", room="room")
        self.assertEqual(reply["room"], "room")
        self.assertEqual(reply["members"], sorted(names))
        self.assertEqual(reply["seq"], 0)
        self.ok(clients[0], "say", room="room", text="one")
        self.assertEqual(self.ok(self.user("late"), "join", room="room")["seq"], 1)

    def test_others_get_joined_and_the_joiner_does_not(self):
        first = self.user("first", "r")
        second = self.user("second")
        self.settle(first)
        self.ok(second, "join", room="r")
        self.assertEqual(first.wait_event(match("joined")), {"type": "joined", "room": "r",
                                                              "nick": "second"})
        self.assertQuiet(first)
        self.assertQuiet(second)

    def test_joining_again_changes_nothing(self):
        first = self.user("first", "r")
        second = self.user("second", "r")
        self.settle(first, second)
        reply = self.ok(second, "join", room="r")
        self.assertEqual(reply["members"], ["first", "second"])
        self.assertQuiet(first)

    def test_valid_and_invalid_names(self):
        client = self.server.connect()
        for room in VALID_ROOMS:
            with self.subTest(room=room):
                self.assertEqual(self.ok(client, "join", room=room)["room"], room)
        for name, room in INVALID_ROOMS.items():
            with self.subTest(name):
                self.error(client, "invalid_room", "join", room=room)
                self.error(client, "invalid_room", "who", room=room)
                self.error(client, "invalid_room", "history", room=room)

    def test_names_are_compared_exactly(self):
        lower = self.user("lower", "lobby")
        self.user("upper", "Lobby")
        self.assertEqual(self.ok(lower, "who", room="lobby")["members"], ["lower"])
        self.assertEqual(self.ok(lower, "who", room="Lobby")["members"], ["upper"])


class RoomLimit(ServerTestCase):
    server_args = ("--max-rooms-per-client", 3)

    def test_too_many_rooms(self):
        client = self.user("busy", "a", "b", "c")
        self.error(client, "too_many_rooms", "join", room="d")
        self.ok(client, "join", room="b")      # already in: fine
        self.ok(client, "leave", room="a")
        self.ok(client, "join", room="d")
        self.assertEqual(self.ok(client, "who", room="d")["members"], ["busy"])
        self.assertEqual(self.ok(client, "who", room="a")["members"], [])


class Leaving(ServerTestCase):
    def test_leave_tells_the_remaining_members(self):
        stayer = self.user("stayer", "r")
        leaver = self.user("leaver", "r")
        self.settle(stayer)
        self.assertEqual(self.ok(leaver, "leave", room="r")["room"], "r")
        self.assertEqual(stayer.wait_event(match("left")),
                         {"type": "left", "room": "r", "nick": "leaver", "reason": "leave"})
        self.assertEqual(self.ok(stayer, "who", room="r")["members"], ["stayer"])
        self.assertQuiet(leaver)

    def test_leaving_a_room_one_is_not_in(self):
        client = self.user("x", "mine")
        self.user("y", "theirs")
        self.error(client, "not_in_room", "leave", room="theirs")
        self.error(client, "not_in_room", "leave", room="never")
        self.ok(client, "leave", room="mine")
        self.error(client, "not_in_room", "leave", room="mine")

    def test_disconnect_reason(self):
        stayer = self.user("stayer", "r")
        self.user("dropper", "r").close()
        event = stayer.wait_event(match("left", nick="dropper"))
        self.assertEqual(event["reason"], "disconnect")


class Listing(ServerTestCase):
    def test_who_needs_no_membership_and_empty_rooms_answer_ok(self):
        self.user("member", "r")
        outsider = self.server.connect()
        reply = self.ok(outsider, "who", room="r")
        self.assertEqual((reply["room"], reply["members"]), ("r", ["member"]))
        self.assertEqual(self.ok(outsider, "who", room="nobody-here")["members"], [])

    def test_rooms_sorted_with_counts_and_only_non_empty(self):
        self.user("a", "beta", "\u00e9t\u00e9", "alpha", "Zulu")
        b = self.user("b", "beta")
        c = self.user("c", "gone")
        self.ok(c, "leave", room="gone")
        self.assertEqual(self.ok(b, "rooms")["rooms"],
                         [{"name": "Zulu", "members": 1}, {"name": "alpha", "members": 1},
                          {"name": "beta", "members": 2}, {"name": "\u00e9t\u00e9", "members": 1}])


if __name__ == "__main__":
    main()
