"""Text commands for netcat users: every command, the current room, and the
one-reply-per-command rule."""
from support import ServerTestCase, main, match


class TextTestCase(ServerTestCase):
    def texter(self, nick, *rooms):
        client = self.server.connect()
        self.text_ok(client, f"/nick {nick}")
        for room in rooms:
            self.text_ok(client, f"/join {room}")
        return client

    def assertQuietText(self, client):
        self.assertEqual(client.sync(text=True), [])


class Commands(TextTestCase):
    def test_each_command_answers_one_plus_line(self):
        client = self.texter("t", "r")
        self.user("friend", "r")
        self.assertEqual(client.recv_line(), "* friend joined r")
        for command in ["/hello", "/who", "/who r", "/rooms", "/ping", "/stats", "/help",
                        "/msg friend hi", "/leave r", "/join r", "/leave"]:
            with self.subTest(command=command):
                self.text_ok(client, command)
        self.assertQuietText(client)

    def test_commands_are_case_insensitive(self):
        client = self.texter("t")
        self.text_ok(client, "/JOIN r")
        self.text_ok(client, "/Who")
        self.assertEqual(self.text(client, "/ECHO Loud"), "Loud")

    def test_who_names_the_members(self):
        client = self.texter("watcher", "r")
        self.user("zed", "r")
        self.assertEqual(client.recv_line(), "* zed joined r")
        reply = self.text_ok(client, "/who")
        self.assertIn("zed", reply)
        self.assertIn("watcher", reply)

    def test_echo_replies_with_the_text_itself(self):
        client = self.server.connect()
        self.assertEqual(self.text(client, "/echo hello  spaced  world"), "hello  spaced  world")
        self.assertEqual(self.text(client, "/echo {\"not\": \"json\"}"), '{"not": "json"}')

    def test_unknown_command_and_missing_arguments(self):
        client = self.server.connect()
        self.text_error(client, "unknown_type", "/dance")
        for command in ["/nick", "/join", "/msg", "/msg someone", "/shutdown"]:
            with self.subTest(command=command):
                self.text_error(client, "bad_request", command)

    def test_errors_carry_their_codes(self):
        client = self.texter("t")
        self.text_error(client, "invalid_room", "/join \x07")
        self.text_error(client, "not_in_room", "/leave nowhere")
        self.text_error(client, "no_such_nick", "/msg ghost boo")
        self.text_error(client, "forbidden", "/shutdown guess")

    def test_quit(self):
        client = self.texter("t")
        self.text_ok(client, "/quit")
        self.assertEqual(client.expect_closed(), b"")


class CurrentRoom(TextTestCase):
    def setUp(self):
        super().setUp()
        self.listener = self.user("listener", "r1", "r2")

    def heard(self):
        event = self.listener.wait_event(match("message"))
        return event["room"], event["text"]

    def test_plain_line_goes_to_the_latest_joined_room_without_reply(self):
        client = self.texter("t", "r1", "r2")
        client.send_line("hello there")
        self.assertEqual(self.heard(), ("r2", "hello there"))
        self.assertQuietText(client)

    def test_leaving_the_current_room_falls_back_to_the_previous(self):
        client = self.texter("t", "r1", "r2")
        self.text_ok(client, "/leave")
        client.send_line("back in r1")
        self.assertEqual(self.heard(), ("r1", "back in r1"))

    def test_leaving_another_room_keeps_the_current_one(self):
        client = self.texter("t", "r1", "r2")
        self.text_ok(client, "/leave r1")
        client.send_line("still r2")
        self.assertEqual(self.heard(), ("r2", "still r2"))

    def test_joining_again_makes_it_current(self):
        client = self.texter("t", "r1", "r2")
        self.text_ok(client, "/join r1")
        client.send_line("in r1")
        self.assertEqual(self.heard(), ("r1", "in r1"))

    def test_double_slash_says_a_slash_line(self):
        client = self.texter("t", "r1")
        client.send_line("//shrug")
        self.assertEqual(self.heard(), ("r1", "/shrug"))
        self.assertQuietText(client)

    def test_no_current_room(self):
        client = self.texter("t")
        self.text_error(client, "not_in_room", "anyone?")
        self.text_error(client, "not_in_room", "/leave")
        self.text_ok(client, "/join r1")
        self.text_ok(client, "/leave")
        self.text_error(client, "not_in_room", "gone")


class Output(TextTestCase):
    def test_messages_and_notices_between_text_users(self):
        alice = self.texter("alice", "r")
        bob = self.texter("bob", "r")
        self.assertEqual(alice.recv_line(), "* bob joined r")
        bob.send_line("hi alice")
        self.assertEqual(alice.recv_line(), "[r] bob: hi alice")
        self.text_ok(bob, "/msg alice just you")
        self.assertEqual(alice.recv_line(), "(pm) bob: just you")
        self.text_ok(bob, "/nick robert")
        self.assertEqual(alice.recv_line(), "* bob is now robert")
        self.text_ok(bob, "/leave")
        self.assertEqual(alice.recv_line(), "* robert left r")
        self.assertQuietText(alice)
        self.assertQuietText(bob)

    def test_json_events_reach_text_clients_as_lines(self):
        alice = self.texter("alice", "r")
        carol = self.user("carol", "r")
        self.assertEqual(alice.recv_line(), "* carol joined r")
        self.ok(carol, "say", room="r", text="from json")
        self.assertEqual(alice.recv_line(), "[r] carol: from json")
        self.ok(carol, "msg", to="alice", text="pm from json")
        self.assertEqual(alice.recv_line(), "(pm) carol: pm from json")

    def test_text_said_lines_reach_json_clients_as_events(self):
        alice = self.texter("alice", "r")
        carol = self.user("carol", "r")
        alice.send_line("to json")
        event = carol.wait_event(match("message"))
        self.assertEqual((event["room"], event["from"], event["text"], event["seq"]),
                         ("r", "alice", "to json", 1))


if __name__ == "__main__":
    main()
