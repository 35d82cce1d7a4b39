"""Nick rules: guestN names, lengths in code points, forbidden characters,
case-insensitive uniqueness, and who hears about a rename."""
from support import ServerTestCase, main, match

VALID_NICKS = ["a", "x" * 32, "\u00e9" * 32, "\U0001F600" * 32, "Bj\u00f6rk", "under_score",
               "dash-dot.", "\u540d\u524d", "[brackets]"]

INVALID_NICKS = {
    "empty": "",
    "33 characters": "x" * 33,
    "33 two-byte characters": "\u00e9" * 33,
    "space": "a b",
    "tab": "a\tb",
    "slash": "a/b",
    "at": "a@b",
    "hash": "a#b",
    "colon": "a:b",
    "comma": "a,b",
    "double quote": 'a"b',
    "backslash": "a\\b",
    "C0 control": "a\x01b",
    "escape": "a\x1bb",
    "DEL": "a\x7fb",
    "C1 control": "a\u0085b",
    "C1 CSI": "a\u009bb",
    "no-break space": "a\u00a0b",
    "em space": "a\u2003b",
    "ideographic space": "a\u3000b",
    "line separator": "a\u2028b",
}


class NickSyntax(ServerTestCase):
    def test_new_connections_get_distinct_guest_names(self):
        names = [self.ok(self.server.connect(), "hello")["nick"] for _ in range(5)]
        for name in names:
            self.assertRegex(name, r"^guest\d+$")
        self.assertEqual(len(set(names)), 5)

    def test_valid_nicks(self):
        client = self.server.connect()
        for nick in VALID_NICKS:
            with self.subTest(nick=nick):
                self.assertEqual(self.ok(client, "nick", nick=nick)["nick"], nick)
                self.assertEqual(self.ok(client, "hello")["nick"], nick)

    def test_invalid_nicks_change_nothing(self):
        client = self.user("keeper", "r")
        for name, nick in INVALID_NICKS.items():
            with self.subTest(name):
                self.error(client, "invalid_nick", "nick", nick=nick)
        self.assertEqual(self.ok(client, "who", room="r")["members"], ["keeper"])


class Uniqueness(ServerTestCase):
    def test_ascii_letters_compare_case_insensitively(self):
        self.user("Alice")
        bob = self.server.connect()
        for taken in ["Alice", "alice", "ALICE", "aLiCe"]:
            self.error(bob, "nick_taken", "nick", nick=taken)

    def test_non_ascii_letters_are_compared_exactly(self):
        self.user("\u00c9mile")
        self.ok(self.server.connect(), "nick", nick="\u00e9mile")

    def test_owner_may_change_the_case_of_its_own_nick(self):
        client = self.user("alice")
        self.assertEqual(self.ok(client, "nick", nick="Alice")["nick"], "Alice")

    def test_guest_names_in_use_are_taken_and_free_ones_can_be_picked(self):
        first = self.server.connect()
        guest = self.ok(first, "hello")["nick"]
        second = self.server.connect()
        self.error(second, "nick_taken", "nick", nick=guest)
        self.error(second, "nick_taken", "nick", nick=guest.upper())
        self.ok(second, "nick", nick="guest987654")
        # once renamed, the old guest name is free again
        self.ok(first, "nick", nick="named")
        self.ok(second, "nick", nick=guest)

    def test_new_guests_never_get_a_name_someone_picked(self):
        guest = self.ok(self.server.connect(), "hello")["nick"]
        number = int(guest[len("guest"):])
        picker = self.server.connect()
        picked = {f"guest{number + k}" for k in range(1, 4)}
        self.ok(picker, "nick", nick=f"GUEST{number + 1}")
        self.ok(self.server.connect(), "nick", nick=f"guest{number + 2}")
        self.ok(self.server.connect(), "nick", nick=f"Guest{number + 3}")
        fresh = [self.ok(self.server.connect(), "hello")["nick"] for _ in range(6)]
        self.assertEqual(len(set(fresh)), len(fresh))
        self.assertFalse({n.lower() for n in fresh} & picked, fresh)

    def test_nick_of_a_closed_connection_is_free(self):
        gone = self.user("gone", "r")
        watcher = self.user("watcher", "r")
        gone.close()
        watcher.wait_event(match("left", nick="gone"))
        self.ok(self.server.connect(), "nick", nick="gone")

    def test_registered_spelling_is_reported(self):
        alice = self.user("Alice", "r")
        bob = self.user("bob", "r")
        self.assertEqual(self.ok(bob, "msg", to="aLICE", text="hi")["to"], "Alice")
        private = alice.wait_event(match("private"))
        self.assertEqual((private["from"], private["to"]), ("bob", "Alice"))
        self.assertEqual(self.ok(bob, "who", room="r")["members"], ["Alice", "bob"])


class RenameEvents(ServerTestCase):
    def test_each_room_mate_hears_once_and_the_renamed_one_not_at_all(self):
        renamed = self.user("old", "r1", "r2")
        both = self.user("both", "r1", "r2")
        one = self.user("one", "r2")
        stranger = self.user("stranger", "elsewhere")
        self.settle(both, one, stranger, renamed)

        self.assertEqual(self.ok(renamed, "nick", nick="new")["nick"], "new")
        for client in (both, one):
            event = client.wait_event(match("nick"))
            self.assertEqual((event["old"], event["nick"]), ("old", "new"))
            self.assertQuiet(client)
        self.assertQuiet(stranger)
        self.assertQuiet(renamed)

    def test_rejected_rename_sends_nothing(self):
        self.user("taken")
        renamed = self.user("mine", "r")
        mate = self.user("mate", "r")
        self.settle(renamed, mate)
        self.error(renamed, "nick_taken", "nick", nick="TAKEN")
        self.assertQuiet(mate)
        self.assertEqual(self.ok(mate, "who", room="r")["members"], ["mate", "mine"])

    def test_text_mode_nick_commands(self):
        client = self.server.connect()
        self.user("taken")
        self.text_ok(client, "/nick tex")
        self.text_error(client, "nick_taken", "/nick TAKEN")
        self.text_error(client, "invalid_nick", "/nick a/b")
        self.text_error(client, "bad_request", "/nick")
        self.assertEqual(self.ok(client, "hello")["nick"], "tex")


if __name__ == "__main__":
    main()
