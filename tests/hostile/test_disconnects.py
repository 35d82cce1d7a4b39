"""Connections that end badly: reset in the middle of a frame, half-closed
with or without a request, and storms of connect-and-vanish. Each one leaves
nothing behind (connections, descriptors, room memberships) and costs the
other clients nothing."""
import socket
import struct

from hostile import HostileTestCase, main, match, open_fds, scaled, wait_until

ROOM = "r"


def reset(sock):
    """Closes with RST instead of FIN."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def read_to_end(sock, timeout=5.0):
    """Everything until the peer closes; ('eof' | 'reset', data)."""
    sock.settimeout(scaled(timeout))
    data = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            return "reset", data
        if not chunk:
            return "eof", data
        data += chunk


class Disconnects(HostileTestCase):
    def setUp(self):
        super().setUp()
        self.observer = self.server.connect()
        self.assertEqual(self.observer.request({"type": "join", "room": ROOM})["type"], "ok")

    def member(self):
        """A raw socket that has joined ROOM; returns (socket, nick)."""
        sock = socket.create_connection((self.server.host, self.server.tcp_port))
        sock.settimeout(scaled(5))
        sock.sendall(b'{"type":"hello"}\n{"type":"join","room":"%s"}\n' % ROOM.encode())
        data = b""
        while data.count(b"\n") < 2:
            data += sock.recv(4096)
        nick = data.split(b'"nick":"')[1].split(b'"')[0].decode()
        self.observer.wait_event(match("joined", nick=nick))
        return sock, nick

    def test_resets_in_the_middle_of_a_frame(self):
        probe = self.start_probe(3.0)
        for i in range(50):
            sock, nick = self.member()
            sock.sendall(b'{"type":"say","room":"r","text":"never said %d' % i)
            reset(sock)
            left = self.observer.wait_event(match("left", nick=nick))
            self.assertEqual(left["reason"], "disconnect")
        self.assertChatHealthy(probe.finish())
        # Nothing of the cut frames was said, and nobody is left over.
        self.assertEqual([e for e in self.observer.events if e.get("type") == "message"], [])
        self.wait_connections(1)
        who = self.observer.request({"type": "who", "room": ROOM})
        self.assertEqual(len(who["members"]), 1, who)

    def test_half_closed_after_a_request_gets_the_reply_then_fin(self):
        sock, nick = self.member()
        sock.sendall(b'{"type":"ping","id":"last"}\n')
        sock.shutdown(socket.SHUT_WR)
        how, data = read_to_end(sock)
        self.assertEqual(how, "eof", "a half-close ends in FIN, not RST")
        self.assertIn(b'"id":"last"', data)
        self.assertEqual(self.observer.wait_event(match("left", nick=nick))["reason"], "disconnect")
        sock.close()

    def test_half_closed_in_the_middle_of_a_frame_discards_it(self):
        sock, nick = self.member()
        sock.sendall(b'{"type":"say","room":"r","text":"unfinished"}')
        sock.shutdown(socket.SHUT_WR)
        how, data = read_to_end(sock)
        self.assertEqual((how, data), ("eof", b""))
        self.observer.wait_event(match("left", nick=nick))
        self.assertEqual([e for e in self.observer.events if e.get("type") == "message"], [])
        sock.close()

    def test_half_closed_reader_still_gets_what_was_queued(self):
        sock, nick = self.member()
        said = self.observer.request({"type": "say", "room": ROOM, "text": "for you"})
        sock.shutdown(socket.SHUT_WR)
        how, data = read_to_end(sock)
        self.assertEqual(how, "eof")
        self.assertIn(b'"seq":%d' % said["seq"], data)
        sock.close()

    def test_connect_and_vanish_storm(self):
        self.wait_connections(1)
        fds_before = open_fds(self.server.proc.pid)
        probe = self.start_probe(3.0)
        for batch in range(10):
            socks = [socket.create_connection((self.server.host, self.server.tcp_port)) for _ in range(100)]
            for i, sock in enumerate(socks):
                kind = i % 4
                if kind == 0:
                    sock.close()
                elif kind == 1:
                    reset(sock)
                elif kind == 2:
                    sock.sendall(b'{"type":"hel')
                    reset(sock)
                else:
                    sock.sendall(b'{"type":"join","room":"r"}\n/join r\n')
                    sock.close()
        self.assertChatHealthy(probe.finish())
        self.wait_connections(1)
        wait_until(lambda: open_fds(self.server.proc.pid) <= fds_before, 10,
                   "the storm's descriptors to be closed")
        who = self.observer.request({"type": "who", "room": ROOM})
        self.assertEqual(len(who["members"]), 1, who)
        self.assertServerAnswers()


if __name__ == "__main__":
    main()
