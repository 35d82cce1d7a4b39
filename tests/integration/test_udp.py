"""UDP echo: every datagram, 0 to 65507 bytes, comes back unchanged to its
sender, and nothing on UDP disturbs the TCP side."""
import os
import socket

from harness import scaled
from support import ServerTestCase, main

SIZES = [0, 1, 1024, 65507]


class UdpEcho(ServerTestCase):
    def udp_socket(self):
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.addCleanup(sock.close)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        sock.settimeout(scaled(5))
        sock.connect((self.server.host, self.server.udp_port))
        return sock

    def test_datagrams_of_every_size_come_back_unchanged(self):
        sock = self.udp_socket()
        for size in SIZES:
            with self.subTest(size=size):
                payload = os.urandom(size)
                sock.send(payload)
                self.assertEqual(sock.recv(65536), payload)

    def test_each_sender_gets_its_own_replies(self):
        first, second = self.udp_socket(), self.udp_socket()
        first.send(b"from first")
        second.send(b"from second")
        self.assertEqual(second.recv(100), b"from second")
        self.assertEqual(first.recv(100), b"from first")

    def test_bursts_from_several_senders_come_back_whole_and_in_order(self):
        # Datagrams that arrive together are read together (recvmmsg) and
        # answered together (sendmmsg): each must still reach its own sender.
        senders = [self.udp_socket() for _ in range(3)]
        sent = {i: [] for i in range(len(senders))}
        for n in range(64):
            for i, sock in enumerate(senders):
                payload = b"%d:%d:" % (i, n) + os.urandom(n % 40)
                sock.send(payload)
                sent[i].append(payload)
        for i, sock in enumerate(senders):
            got = [sock.recv(65536) for _ in sent[i]]
            self.assertEqual(got, sent[i])

    def test_binary_and_junk_traffic_leaves_tcp_alone(self):
        client = self.server.connect()
        self.ok(client, "join", room="r")
        sock = self.udp_socket()
        junk = [b"\x00" * 10, b"\xff\xfe garbage", b'{"type":"shutdown","token":""}\n',
                os.urandom(65507), b""] * 10
        for payload in junk:
            sock.send(payload)
            self.assertEqual(sock.recv(65536), payload)
        self.assertQuiet(client)
        self.assertEqual(self.ok(client, "who", room="r")["members"], [self.ok(client, "hello")["nick"]])

    def test_flood_without_reading_leaves_tcp_responsive(self):
        client = self.server.connect()
        sock = self.udp_socket()
        payload = os.urandom(32768)
        for n in range(1000):
            sock.send(payload)
            if n % 100 == 0:
                self.ok(client, "ping")
        self.ok(client, "ping")
        sock.send(b"last")
        # the replies to the flood may have overflowed our buffer; "last" is
        # the newest, so whatever is read, it must come out eventually
        while (data := sock.recv(65536)) != b"last":
            self.assertEqual(data, payload)

    def test_datagram_counter(self):
        client = self.server.connect()
        before = self.ok(client, "stats")["udp_datagrams"]
        sock = self.udp_socket()
        for size in SIZES:
            sock.send(b"u" * size)
            sock.recv(65536)
        self.assertEqual(self.ok(client, "stats")["udp_datagrams"] - before, len(SIZES))


class NoUdp(ServerTestCase):
    server_kwargs = {"udp": False}

    def test_tcp_works_without_udp(self):
        self.assertIsNone(self.server.udp_port)
        self.ok(self.server.connect(), "ping")


if __name__ == "__main__":
    main()
