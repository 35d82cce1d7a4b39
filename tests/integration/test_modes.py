"""Two modes on one port: JSON when a frame starts with '{', text otherwise;
output follows the mode of the client's most recent frame."""
import json

from support import ServerTestCase, main, match


class ModeSelection(ServerTestCase):
    def test_leading_blanks_before_brace_still_json(self):
        client = self.server.connect()
        client.send_raw(b' \t {"type":"echo","text":"j"}\n')
        self.assertEqual(client.recv_json()["text"], "j")

    def test_brace_later_in_the_line_is_text(self):
        client = self.server.connect()
        client.send_raw(b'x{"type":"ping"}\n')
        # said to the current room, and there is none
        self.assertTrue(client.recv_line().startswith("! not_in_room:"))

    def test_broken_json_is_bad_json_not_text(self):
        client = self.server.connect()
        client.send_raw(b"{hello\n")
        self.assertEqual(client.recv_json()["code"], "bad_json")

    def test_each_reply_follows_its_own_frame(self):
        client = self.server.connect()
        client.send_raw(b'/ping\n{"type":"ping","id":1}\n/echo back\n{"type":"ping","id":2}\n')
        self.assertTrue(client.recv_line().startswith("+ "))
        self.assertEqual(json.loads(client.recv_line())["id"], 1)
        self.assertEqual(client.recv_line(), "back")
        self.assertEqual(json.loads(client.recv_line())["id"], 2)


class EventsFollowTheLatestFrame(ServerTestCase):
    def test_events_switch_with_the_client(self):
        watcher = self.server.connect()
        speaker = self.user("speaker", "room")
        self.text_ok(watcher, "/join room")

        self.ok(speaker, "say", room="room", text="in text")
        self.assertEqual(watcher.recv_line(), "[room] speaker: in text")

        self.ok(watcher, "ping")
        self.ok(speaker, "say", room="room", text="in json")
        event = watcher.wait_event(match("message"))
        self.assertEqual((event["from"], event["text"]), ("speaker", "in json"))

        self.text_ok(watcher, "/ping")
        self.ok(speaker, "say", room="room", text="text again")
        self.assertEqual(watcher.recv_line(), "[room] speaker: text again")

    def test_json_before_any_frame(self):
        # The only output a silent client can get is an event; a signal
        # shutdown sends one to everyone.
        silent = self.server.connect()
        self.ok(self.server.connect(), "ping")  # the silent one is surely accepted
        self.assertEqual(self.server.stop(), 0)
        event = silent.recv_json()
        self.assertEqual((event["type"], event["reason"]), ("shutdown", "signal"))

    def test_text_client_sees_notices(self):
        watcher = self.server.connect()
        self.text_ok(watcher, "/join room")
        other = self.user("other", "room")
        self.assertEqual(watcher.recv_line(), "* other joined room")
        self.ok(other, "nick", nick="renamed")
        self.assertEqual(watcher.recv_line(), "* other is now renamed")
        self.ok(other, "leave", room="room")
        self.assertEqual(watcher.recv_line(), "* renamed left room")


if __name__ == "__main__":
    main()
