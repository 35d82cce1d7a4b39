"""SIGTERM/SIGINT: a graceful drain that tells everyone, bounded by
--drain-timeout, and a second signal that ends it at once with status 1."""
import signal
import socket
import time

from harness import scaled
from support import ServerTestCase, main, match

FLOOD_TEXT = "f" * 60000
FLOOD_MESSAGES = 400   # 24 MB: far more than the kernel buffers of one socket


class GracefulDrain(ServerTestCase):
    def assertDrainTellsEveryone(self, sig):
        fresh = self.server.connect()        # never sends a frame: JSON
        member = self.user("member", "r")
        texter = self.server.connect()
        self.text_ok(texter, "/join r")
        self.settle(member)

        self.assertEqual(self.server.stop(sig), 0)

        self.assertEqual(fresh.recv_json(), {"type": "shutdown", "reason": "signal"})
        self.assertEqual(member.wait_event(match("shutdown")), {"type": "shutdown",
                                                                "reason": "signal"})
        self.assertEqual(texter.recv_line(), "* server shutting down")
        for client in (fresh, member, texter):
            self.assertEqual(client.expect_closed(), b"")

    def test_sigterm(self):
        self.assertDrainTellsEveryone(signal.SIGTERM)

    def test_sigint(self):
        self.assertDrainTellsEveryone(signal.SIGINT)

    def test_queued_output_is_flushed_before_closing(self):
        reader = self.user("reader", "r")
        writer = self.user("writer", "r")
        self.settle(reader)
        for n in range(20):
            self.ok(writer, "say", room="r", text=f"{n}" + "x" * 20000)
        self.assertEqual(self.server.stop(), 0)
        seqs = [reader.wait_event(match("message"))["seq"] for _ in range(20)]
        self.assertEqual(seqs, list(range(1, 21)))
        reader.wait_event(match("shutdown"))
        reader.expect_closed()


class StuckClientDrain(ServerTestCase):
    """A client that never reads while tens of megabytes are queued for it."""

    drain_timeout = 30
    server_args = ("--rate", "0", "--max-output", 64 << 20, "--drain-timeout", drain_timeout)

    def setUp(self):
        super().setUp()
        self.stuck = self.user("stuck", "flood")
        self.writer = self.user("writer", "flood")
        # Each ok comes after the message was queued for every member, so
        # once the last ok is read the stuck client's queue is full.
        for _ in range(FLOOD_MESSAGES):
            self.ok(self.writer, "say", room="flood", text=FLOOD_TEXT)

    def test_second_signal_exits_at_once_with_status_1(self):
        self.server.proc.send_signal(signal.SIGTERM)
        self.writer.wait_event(match("shutdown"), timeout=10)
        self.writer.expect_closed(timeout=10)
        self.assertIsNone(self.server.proc.poll(), "drain gave up on queued output at once")
        self.assertNoNewConnections()

        started = time.monotonic()
        self.assertEqual(self.server.stop(signal.SIGTERM, timeout=5), 1)
        self.assertLess(time.monotonic() - started, scaled(3))

    def assertNoNewConnections(self):
        try:
            late = socket.create_connection((self.server.host, self.server.tcp_port), timeout=2)
        except ConnectionRefusedError:
            return
        with late:
            late.settimeout(scaled(1))
            late.sendall(b'{"type":"ping"}\n')
            try:
                data = late.recv(4096)
            except (socket.timeout, ConnectionResetError):
                return
            self.assertNotIn(b'"ok"', data, "a connection made during the drain was served")


class DrainTimeout(StuckClientDrain):
    drain_timeout = 1
    server_args = ("--rate", "0", "--max-output", 64 << 20, "--drain-timeout", drain_timeout)

    test_second_signal_exits_at_once_with_status_1 = None

    def test_drain_ends_within_the_timeout_with_status_0(self):
        started = time.monotonic()
        self.assertEqual(self.server.stop(signal.SIGTERM, timeout=10), 0)
        self.assertLess(time.monotonic() - started, scaled(self.drain_timeout + 2))
        self.writer.wait_event(match("shutdown"))


if __name__ == "__main__":
    main()
