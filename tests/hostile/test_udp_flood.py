"""UDP floods of maximum-size datagrams (65507 bytes) from senders that never
read their echoes, while TCP chat goes on: the chat keeps its latency, the
server's memory stays bounded by its reply queue cap, and the echo service
still answers a well-behaved sender afterwards."""
import socket
import threading

from hostile import HostileTestCase, lower_priority, main, peak_rss_mib, scaled

MAX_DATAGRAM = 65507
SENDERS = 4
SECONDS = 3.0


class UdpFlood(HostileTestCase):
    def flood(self, seconds):
        """SENDERS sockets send maximum-size datagrams as fast as they can and
        never read; returns how many datagrams went out."""
        stop = threading.Event()
        counts = [0] * SENDERS
        payload = bytes(range(256)) * (MAX_DATAGRAM // 256) + b"x" * (MAX_DATAGRAM % 256)

        def send(i):
            lower_priority()
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            # A small receive buffer: the echoes pile up and are dropped by
            # the kernel, so the server's sends back fill up too.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            sock.settimeout(0.2)
            target = (self.server.host, self.server.udp_port)
            with sock:
                while not stop.is_set():
                    try:
                        sock.sendto(payload, target)
                        counts[i] += 1
                    except (socket.timeout, BlockingIOError, ConnectionRefusedError):
                        pass

        threads = [threading.Thread(target=send, args=(i,), daemon=True) for i in range(SENDERS)]
        for t in threads:
            t.start()
        stop.wait(seconds)
        stop.set()
        for t in threads:
            t.join(scaled(10))
        return sum(counts)

    def test_flood_leaves_tcp_chat_and_memory_alone(self):
        before = peak_rss_mib(self.server.proc.pid)
        probe = self.start_probe(SECONDS)
        sent = self.flood(SECONDS)
        self.assertChatHealthy(probe.finish())
        self.assertGreater(sent, 100, "the flood was too small to mean anything")
        if self.measures_memory:
            # The receive buffer (2 MiB, static) and the queue of replies that
            # found the socket full (4 MiB cap) bound what the flood costs.
            self.assertLess(peak_rss_mib(self.server.proc.pid) - before, 32)
        self.assertGreater(self.stats()["udp_datagrams"], 0)

    def test_echo_still_works_after_the_flood(self):
        self.flood(1.0)
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.addCleanup(sock.close)
        sock.settimeout(0.5)
        payload = b"\xff\x00" * (MAX_DATAGRAM // 2) + b"!"
        # UDP may drop; a handful of tries, each waiting for its own echo.
        for _ in range(int(20 * max(1, scaled(1)))):
            sock.sendto(payload, (self.server.host, self.server.udp_port))
            try:
                data, _ = sock.recvfrom(MAX_DATAGRAM + 1)
            except socket.timeout:
                continue
            self.assertEqual(data, payload)
            break
        else:
            self.fail("no echo of a maximum-size datagram after the flood")
        self.assertServerAnswers()


if __name__ == "__main__":
    main()
