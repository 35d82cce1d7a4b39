"""Leaving the server: quit (ok, then a clean FIN), frames after quit, and
clients that vanish while the server is writing to them."""
import socket
import struct

from support import ServerTestCase, main, match


class Quit(ServerTestCase):
    def test_ok_then_clean_fin(self):
        client = self.server.connect()
        reply = client.request({"type": "quit", "id": "bye"})
        self.assertEqual((reply["type"], reply["for"], reply["id"]), ("ok", "quit", "bye"))
        self.assertEqual(client.expect_closed(), b"")
        self.assertEqual(client.closed_by, "eof", "quit must end with FIN, not RST")

    def test_room_mates_see_left_with_reason_quit(self):
        stayer = self.user("stayer", "r")
        quitter = self.user("quitter", "r")
        self.ok(quitter, "quit")
        event = stayer.wait_event(match("left", nick="quitter"))
        self.assertEqual((event["room"], event["reason"]), ("r", "quit"))

    def test_later_frames_in_the_same_send_are_dropped(self):
        stayer = self.user("stayer", "r")
        quitter = self.user("quitter", "r")
        self.settle(stayer)
        quitter.send_raw(b'{"type":"quit","id":1}\n'
                         b'{"type":"say","room":"r","text":"after quit"}\n'
                         b'{"type":"echo","id":2,"text":"after quit"}\n'
                         b'/echo after quit\n')
        self.assertEqual(quitter.recv_json()["id"], 1)
        self.assertEqual(quitter.expect_closed(), b"")
        self.assertEqual(quitter.closed_by, "eof")
        self.assertEqual(stayer.wait_event(match("left"))["reason"], "quit")
        self.assertQuiet(stayer)

    def test_fin_even_with_unread_input_behind_the_quit(self):
        # A plain close() with unread input makes the kernel send RST, which
        # could destroy the ok before the client reads it.
        client = self.server.connect()
        client.send_raw(b'{"type":"quit","id":"q"}\n'
                        + b'{"type":"echo","text":"%s"}\n' % (b"u" * 1000) * 300)
        self.assertEqual(client.recv_json()["id"], "q")
        self.assertEqual(client.expect_closed(), b"")
        self.assertEqual(client.closed_by, "eof")

    def test_nick_is_free_after_quit(self):
        quitter = self.user("reused")
        self.ok(quitter, "quit")
        quitter.expect_closed()
        self.ok(self.server.connect(), "nick", nick="reused")


class VanishingClients(ServerTestCase):
    server_args = ("--rate", "0")

    def test_reset_with_replies_pending_does_not_hurt_the_server(self):
        """Writing to a reset socket raises EPIPE/SIGPIPE; the server must
        shrug it off."""
        for _ in range(5):
            client = self.server.connect()
            client.send_raw(b'{"type":"echo","text":"%s"}\n' % (b"p" * 30000) * 100)
            client.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            client.close()
        self.ok(self.server.connect(), "ping")

    def test_room_mate_resetting_mid_fanout(self):
        speaker = self.user("speaker", "r")
        vanisher = self.user("vanisher", "r")
        listener = self.user("listener", "r")
        vanisher.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        vanisher.close()
        for n in range(50):
            self.ok(speaker, "say", room="r", text=f"n{n}")
        self.assertEqual(listener.wait_event(match("left", nick="vanisher"))["reason"],
                         "disconnect")
        texts = [listener.wait_event(match("message"))["text"] for _ in range(50)]
        self.assertEqual(texts, [f"n{n}" for n in range(50)])


if __name__ == "__main__":
    main()
