"""stats: the counters move the way the traffic says they should."""
import socket

from harness import scaled
from support import ServerTestCase, main, match

FIELDS = ["connections", "rooms", "uptime_s", "frames_in", "frames_out", "bytes_in",
          "bytes_out", "udp_datagrams"]


class Stats(ServerTestCase):
    def stats(self, client):
        reply = self.ok(client, "stats")
        for field in FIELDS:
            self.assertIsInstance(reply[field], int, field)
            self.assertGreaterEqual(reply[field], 0, field)
        return reply

    def test_fresh_server(self):
        stats = self.stats(self.server.connect())
        self.assertEqual((stats["connections"], stats["rooms"], stats["udp_datagrams"]),
                         (1, 0, 0))
        self.assertLess(stats["uptime_s"], 60)

    def test_connections_and_rooms_follow_the_clients(self):
        watcher = self.user("watcher", "a")
        others = [self.user(f"u{i}", "a", "b") for i in range(3)]
        stats = self.stats(watcher)
        self.assertEqual((stats["connections"], stats["rooms"]), (4, 2))
        for i, other in enumerate(others):
            other.close()
            watcher.wait_event(match("left", room="a", nick=f"u{i}"))
        stats = self.stats(watcher)
        self.assertEqual((stats["connections"], stats["rooms"]), (1, 1))

    def test_frames_and_bytes_grow_with_traffic(self):
        client = self.server.connect()
        before = self.stats(client)
        frames = [b'{"type":"echo","text":"%s"}\n' % (b"b" * n) for n in (10, 1000, 20000)]
        replies = []
        for frame in frames:
            client.send_raw(frame)
            replies.append(client.recv_line())
        after = self.stats(client)
        self.assertGreaterEqual(after["frames_in"] - before["frames_in"], len(frames))
        self.assertGreaterEqual(after["frames_out"] - before["frames_out"], len(frames))
        self.assertGreaterEqual(after["bytes_in"] - before["bytes_in"], sum(map(len, frames)))
        self.assertGreaterEqual(after["bytes_out"] - before["bytes_out"],
                                sum(len(r) + 1 for r in replies))

    def test_udp_bytes_are_not_counted_as_tcp(self):
        client = self.server.connect()
        before = self.stats(client)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.settimeout(scaled(5))
            for _ in range(3):
                sock.sendto(b"u" * 30000, (self.server.host, self.server.udp_port))
                sock.recvfrom(65536)
        after = self.stats(client)
        self.assertEqual(after["udp_datagrams"] - before["udp_datagrams"], 3)
        self.assertLess(after["bytes_in"] - before["bytes_in"], 1000)
        self.assertLess(after["bytes_out"] - before["bytes_out"], 2000)


if __name__ == "__main__":
    main()
