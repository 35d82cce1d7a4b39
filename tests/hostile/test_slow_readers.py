"""Readers that never read, in a busy room. Each is cut off once its unsent
output passes --max-output; until then it costs at most that much memory;
the speaker, the readers that do read and everyone elsewhere lose nothing
and wait for nobody."""
import socket
import time

from hostile import HostileTestCase, main, match, peak_rss_mib, scaled

MAX_OUTPUT = 1 << 20
SLOW_READERS = 20
TEXT = "s" * 8000


class SlowReaders(HostileTestCase):
    server_args = ("--max-output", MAX_OUTPUT, "--rate", 0)

    def test_never_reading_clients_are_cut_off_and_cost_bounded_memory(self):
        slow = []
        for _ in range(SLOW_READERS):
            sock = socket.create_connection((self.server.host, self.server.tcp_port))
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            sock.sendall(b'{"type":"join","room":"busy"}\n')
            self.addCleanup(sock.close)
            slow.append(sock)
        speaker = self.server.connect()
        reader = self.server.connect()
        for client in (speaker, reader):
            self.assertEqual(client.request({"type": "join", "room": "busy"})["type"], "ok")
        self.wait_connections(SLOW_READERS + 2)
        before = peak_rss_mib(self.server.proc.pid)
        probe = self.start_probe(3.0)

        # Say until every slow reader has been cut off (the reader sees each
        # one leave), hearing every message on the way.
        gone, heard, rounds = set(), [], 0
        deadline = time.monotonic() + scaled(30)
        while len(gone) < SLOW_READERS:
            self.assertLess(time.monotonic(), deadline, f"only {len(gone)} slow readers cut off")
            seq = speaker.request({"type": "say", "room": "busy", "text": TEXT})["seq"]
            heard.append(reader.wait_event(match("message", seq=seq))["seq"])
            gone |= {e["nick"] for e in reader.events if e.get("type") == "left"}
            speaker.events.clear()
            rounds += 1
        self.assertChatHealthy(probe.finish())

        self.assertEqual(heard, list(range(heard[0], heard[0] + len(heard))), "the reader missed messages")
        left = [e for e in reader.events if e.get("type") == "left"]
        self.assertEqual({e["reason"] for e in left}, {"disconnect"})
        # Cut off at the limit, not before: each got about MAX_OUTPUT of text.
        self.assertGreaterEqual(rounds * len(TEXT), MAX_OUTPUT)
        if self.measures_memory:
            # A message sits once in memory however many queues hold it, so
            # twenty queues at the limit cost about one limit, not twenty.
            grown = peak_rss_mib(self.server.proc.pid) - before
            self.assertLess(grown, 2 * MAX_OUTPUT / (1 << 20) + 8, f"peak RSS grew {grown:.1f} MiB")
        self.wait_connections(2)
        for sock in slow:
            sock.settimeout(scaled(5))
            try:
                while sock.recv(1 << 20):
                    pass
            except ConnectionResetError:
                pass  # the cut-off is an RST, after at most a last error line


if __name__ == "__main__":
    main()
