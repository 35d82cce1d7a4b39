"""Slowloris: hundreds of connections that trickle bytes and never finish a
line. Each costs the server at most about --max-frame bytes of input
buffering, none of them delays anyone else, and a line that grows past the
limit is answered with frame_too_large while the connection stays usable."""
import socket
import time

from hostile import HostileTestCase, main, rss_mib, scaled

TRICKLERS = 300
MAX_FRAME = 4096
SECONDS = 3.0


def open_tricklers(server, count):
    socks = []
    for _ in range(count):
        s = socket.create_connection((server.host, server.tcp_port))
        s.setblocking(False)
        socks.append(s)
    return socks


class Slowloris(HostileTestCase):
    server_args = ("--max-frame", MAX_FRAME)

    def setUp(self):
        super().setUp()
        self.socks = open_tricklers(self.server, TRICKLERS)
        self.addCleanup(lambda: [s.close() for s in self.socks])
        self.wait_connections(TRICKLERS)

    def trickle(self, seconds, rounds):
        """A byte at a time to every connection, `rounds` rounds spread over
        `seconds`; none ever sends a newline."""
        start = time.monotonic()
        for r in range(rounds):
            for s in self.socks:
                s.send(b"a")
            # Pacing the attack, not waiting for a result.
            time.sleep(max(0.0, start + (r + 1) * seconds / rounds - time.monotonic()))

    def test_tricklers_do_not_slow_the_room_and_cost_little(self):
        baseline = rss_mib(self.server.proc.pid)
        # Each connection first holds a line just short of the limit, half of
        # them JSON-looking, half text, then grows it slowly.
        for i, s in enumerate(self.socks):
            s.setblocking(True)
            s.sendall((b"{" if i % 2 else b"t") * (MAX_FRAME - 200))
        probe = self.start_probe(SECONDS)
        self.trickle(SECONDS, rounds=150)
        self.assertChatHealthy(probe.finish())
        # All of them are still there, holding partial lines (the probe's
        # own connections may take a moment to go).
        self.wait_connections(TRICKLERS)
        if self.measures_memory:
            grown = rss_mib(self.server.proc.pid) - baseline
            per_connection_kib = grown * 1024 / TRICKLERS
            self.assertLess(per_connection_kib, 2 * MAX_FRAME / 1024 + 8,
                            f"{grown:.1f} MiB for {TRICKLERS} partial lines")

    def test_a_line_past_the_limit_is_refused_and_the_connection_recovers(self):
        chosen = self.socks[:20]
        for s in chosen:
            s.setblocking(True)
            s.settimeout(scaled(5))
            # Past the limit in small pieces, as a trickler would get there.
            for _ in range(MAX_FRAME // 512 + 1):
                s.sendall(b"b" * 512)
        for s in chosen:
            line = self.read_line(s)
            self.assertIn(b'"code":"frame_too_large"', line)
        # The rest of the over-long line is skipped up to its newline; the
        # next line is a request like any other.
        for s in chosen:
            s.sendall(b"still skipped\n" + b'{"type":"ping","id":7}\n')
        for s in chosen:
            line = self.read_line(s)
            self.assertIn(b'"for":"ping"', line)
            self.assertIn(b'"id":7', line)
        self.assertEqual(self.stats()["connections"] - 1, TRICKLERS)

    def read_line(self, s):
        data = b""
        while not data.endswith(b"\n"):
            chunk = s.recv(1)
            self.assertTrue(chunk, f"connection closed after {data!r}")
            data += chunk
        return data


if __name__ == "__main__":
    main()
