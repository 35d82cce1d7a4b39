"""A connection that sends as fast as it can: the rate limit holds, the others
in its room keep chatting with bounded latency, and one busy connection does
not get more than its share of a loop turn (fairness)."""
import socket
import threading
import time

from hostile import MAX_BOUND_MS, HostileTestCase, lower_priority, main, peak_rss_mib, scaled

SECONDS = 3.0


class Flooder:
    """Writes `payload` over and over as fast as the socket takes it, on one
    thread, and (with `read`) reads whatever comes back on another."""

    def __init__(self, server, payload, read=True, setup=(), niced=True):
        self.sock = socket.create_connection((server.host, server.tcp_port))
        if not read:
            # A tiny window: the server's replies back up at once.
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        for line in setup:
            self.sock.sendall(line)
        self.chunk = payload * max(1, 65536 // len(payload))
        self.read = read
        self.niced = niced
        self.sent = 0
        self.received = bytearray()
        self.ended_by = None  # "reset" or "eof" when the server closed it
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._write, daemon=True)]
        if read:
            self._threads.append(threading.Thread(target=self._read, daemon=True))

    def run(self, seconds):
        for t in self._threads:
            t.start()
        self._stop.wait(seconds)
        self._stop.set()
        for t in self._threads:
            t.join(scaled(10))
        return self

    def _write(self):
        if self.niced:
            lower_priority()
        self.sock.settimeout(0.2)
        while not self._stop.is_set():
            try:
                self.sent += self.sock.send(self.chunk)
            except socket.timeout:
                continue
            except OSError:
                self.ended_by = "reset"
                return

    def _read(self):
        lower_priority()
        self.sock.settimeout(0.2)
        while not self._stop.is_set():
            try:
                data = self.sock.recv(1 << 20)
            except socket.timeout:
                continue
            except OSError:
                self.ended_by = "reset"
                return
            if not data:
                self.ended_by = self.ended_by or "eof"
                return
            # Keep a bounded sample; the rest is counted.
            if len(self.received) < (4 << 20):
                self.received += data

    def lines(self):
        return bytes(self.received).split(b"\n")[:-1]

    def close(self):
        self._stop.set()
        self.sock.close()


class Flood(HostileTestCase):
    def flood(self, payload, read=True, setup=(), seconds=SECONDS):
        probe = self.start_probe(seconds, room="probe")
        flooder = Flooder(self.server, payload, read, setup)
        self.addCleanup(flooder.close)
        flooder.run(seconds)
        return probe.finish(), flooder

    def test_text_flooder_is_rate_limited(self):
        started = time.monotonic()
        result, flooder = self.flood(b"x\n", setup=[b"/join probe\n"])
        elapsed = time.monotonic() - started
        limited = [line for line in flooder.lines() if line.startswith(b"! rate_limited:")]
        self.assertTrue(limited, flooder.lines()[:5])
        # Said lines get no reply; the room's seq counts them. The bucket
        # starts with 400 tokens and refills at 200 a second.
        client = self.server.connect()
        seq = client.request({"type": "history", "room": "probe", "limit": 0})["seq"]
        said_by_flooder = seq - result["delivered"]
        self.assertGreaterEqual(said_by_flooder, 400, "the burst was not honoured")
        self.assertLessEqual(said_by_flooder, 400 + 200 * elapsed)
        self.assertEqual(result["lost_count"], 0, result)
        self.assertTrue(result["seq_contiguous"], result)

    def test_rate_limited_flooders_do_not_stall_the_room(self):
        # Flooders in the probe's own room, one per mode, reading what they
        # are told. No message may be lost and the loop may not stall; how
        # finely the loop shares its turns is the next test's business.
        for payload, join in ((b"x\n", b"/join probe\n"),
                              (b'{"type":"say","room":"probe","text":"flood"}\n',
                               b'{"type":"join","room":"probe"}\n')):
            with self.subTest(payload=payload):
                result, flooder = self.flood(payload, setup=[join])
                self.assertChatHealthy(result, p50_ms=100, p99_ms=MAX_BOUND_MS)
                self.assertIn(b"rate_limited", bytes(flooder.received))

    # A read callback may bring hundreds of thousands of tiny frames (libuv
    # reads until the kernel queue is empty, up to 32 x 64 KiB); a connection
    # runs at most Client::kFramesPerTurn of them before the others get a turn.
    def test_one_busy_connection_gets_no_more_than_its_share_of_a_turn(self):
        # Without the rate limit every frame runs: text lines said to a room
        # of one, which cost the server work but send nothing back.
        server = self.start_server("--rate", 0)
        probe = self.start_probe(SECONDS, server=server)
        flooder = Flooder(server, b"x\n", read=False, setup=[b"/join sink\n"], niced=False)
        self.addCleanup(flooder.close)
        flooder.run(SECONDS)
        self.assertChatHealthy(probe.finish())

    def test_flooder_that_never_reads_is_held_back_with_bounded_memory(self):
        # Its own replies are what back up, so the server stops running its
        # requests (and then stops reading it) until it reads: TCP flow
        # control pushes back on the sender instead of the server queuing.
        # Readers that fall behind on events they did not ask for are cut
        # off instead: test_slow_readers.
        server = self.start_server("--max-output", 1 << 20)
        before = peak_rss_mib(server.proc.pid)
        probe = self.start_probe(SECONDS, server=server)
        # Large echoes: every frame the bucket lets through queues 30 KB.
        flooder = Flooder(server, b'{"type":"echo","text":"' + b"e" * 30000 + b'"}\n', read=False)
        self.addCleanup(flooder.close)
        flooder.run(SECONDS)
        self.assertChatHealthy(probe.finish())
        self.assertIsNone(flooder.ended_by, "held back, not cut off")
        # What the kernel buffers on both sides takes (a few MB on loopback)
        # plus what the server holds; a server that kept reading would take
        # gigabytes in the same time.
        self.assertLess(flooder.sent, 48 << 20, "the server kept reading a client it cannot answer")
        if self.measures_memory:
            self.assertLess(peak_rss_mib(server.proc.pid) - before, 64)
        self.assertServerAnswers(server)


if __name__ == "__main__":
    main()
