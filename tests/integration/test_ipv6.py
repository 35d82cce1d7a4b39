"""IPv6: the server binds ::1, names it [::1]:PORT, and serves TCP and UDP."""
import socket

from harness import scaled
from support import ServerTestCase, main, skip_file


def has_ipv6_loopback():
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
            probe.bind(("::1", 0))
        return True
    except OSError:
        return False


class Ipv6(ServerTestCase):
    server_kwargs = {"host": "::1"}

    def test_ready_line_brackets_the_address(self):
        self.assertRegex(self.server.ready_line, r"^parleyd ready tcp=\[::1\]:\d+ udp=\[::1\]:\d+$")

    def test_chat_over_ipv6(self):
        alice = self.user("alice", "v6")
        bob = self.user("bob", "v6")
        self.ok(bob, "say", room="v6", text="over six")
        self.assertEqual(alice.wait_event(lambda f: f.get("type") == "message")["text"], "over six")
        self.assertEqual(self.text(alice, "/echo text too"), "text too")

    def test_udp_echo_over_ipv6(self):
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as sock:
            sock.settimeout(scaled(5))
            sock.sendto(b"six", ("::1", self.server.udp_port))
            data, peer = sock.recvfrom(100)
        self.assertEqual(data, b"six")
        self.assertEqual(peer[1], self.server.udp_port)


if __name__ == "__main__":
    if not has_ipv6_loopback():
        skip_file("this machine has no IPv6 loopback")
    main()
