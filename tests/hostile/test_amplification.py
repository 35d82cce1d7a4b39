"""Small requests with large answers. `history` of a room full of long,
escape-heavy messages answers a 40-byte request with megabytes (every control
byte grows sixfold as \\u00XX): the server's memory and loop turn must stay
bounded however many such requests arrive at once, and a reader asking for
that history must still get an answer."""
import socket

from hostile import HostileTestCase, main, peak_rss_mib

# Raw control bytes are valid UTF-8 in a text-mode line; JSON escapes each.
HOSTILE_LINE = "\x01" * 60000


def stuff_room(server, room, count):
    """A text-mode client fills `room` with `count` escape-heavy messages."""
    stuffer = server.connect()
    stuffer.send_line(f"/join {room}")
    assert stuffer.recv_line().startswith("+ "), "join failed"
    for _ in range(count):
        stuffer.send_line(HOSTILE_LINE)
    stuffer.send_line("/ping")  # said lines get no reply; the ping's shows all ran
    reply = stuffer.recv_line(timeout=30)
    assert reply.startswith("+ "), reply
    stuffer.close()


class HistoryAmplification(HostileTestCase):
    server_args = ("--history", 10, "--burst", 60, "--max-output", 1 << 20)

    # 60 pipelined history requests would queue 60 x 3.6 MB if each ran as
    # it came; a connection's requests stop while its own output is
    # backlogged (a quarter of --max-output), and each reply is cut to half
    # the limit.
    def test_pipelined_history_requests_do_not_balloon_memory(self):
        stuff_room(self.server, "big", 10)
        before = peak_rss_mib(self.server.proc.pid)
        probe = self.start_probe(3.0)
        attacker = socket.create_connection((self.server.host, self.server.tcp_port))
        attacker.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.addCleanup(attacker.close)
        attacker.sendall(b'{"type":"history","room":"big","limit":10}\n' * 60)
        result = probe.finish()
        grown = peak_rss_mib(self.server.proc.pid) - before
        self.assertServerAnswers()
        self.assertChatHealthy(result)
        if self.measures_memory:
            self.assertLess(grown, 64, f"peak RSS grew by {grown:.0f} MiB")


class HistoryOfHostileText(HostileTestCase):
    server_args = ("--rate", 0)

    # 50 messages of 60 KB control bytes are 18 MB as JSON, more than
    # --max-output (8 MiB): sent whole, the reply would get its reader cut
    # off, and one user could stop every other from catching up on a room.
    # The reply is cut to fit in half the limit instead.
    def test_reader_gets_the_latest_that_fit(self):
        stuff_room(self.server, "big", 50)
        reader = self.server.connect()
        reply = reader.request({"type": "history", "room": "big"}, timeout=30)
        self.assertEqual(reply.get("type"), "ok", reply)
        seqs = [m["seq"] for m in reply["messages"]]
        self.assertTrue(0 < len(seqs) < 50, len(seqs))
        self.assertEqual(seqs, list(range(reply["seq"] - len(seqs) + 1, reply["seq"] + 1)))
        self.assertTrue(reply["truncated"], "older messages were left out")
        self.assertEqual(reader.request({"type": "ping"})["type"], "ok")

    def test_paging_with_since_gets_every_message(self):
        stuff_room(self.server, "big", 50)
        reader = self.server.connect()
        since, got = 0, []
        for _ in range(50):
            reply = reader.request({"type": "history", "room": "big", "since": since}, timeout=30)
            self.assertEqual(reply.get("type"), "ok", reply)
            self.assertFalse(reply["truncated"], "nothing after `since` was dropped by the room")
            page = [m["seq"] for m in reply["messages"]]
            self.assertTrue(page, "a page must make progress")
            got += page
            since = page[-1]
            if since == reply["seq"]:
                break
        self.assertEqual(got, list(range(1, 51)))


if __name__ == "__main__":
    main()
