"""The Python side of scripts/soak: auditors that prove no message is lost,
and the misbehaving clients that run beside parley-bench in every cycle."""
import json
import selectors
import socket
import struct
import threading
import time


def wait_for(predicate, timeout, what):
    """Polls a reading of server state until it holds; raises on timeout."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise RuntimeError(f"soak: timed out waiting for {what}")
        time.sleep(0.1)


class Line:
    """A JSON-lines connection with blocking setup and non-blocking reads."""

    def __init__(self, host, port):
        self.sock = socket.create_connection((host, port), timeout=10)
        self.buf = b""

    def send(self, obj):
        self.sock.sendall(json.dumps(obj).encode() + b"\n")

    def request(self, obj):
        self.send(obj)
        while True:
            frame = self.next_blocking()
            if frame.get("type") in ("ok", "error"):
                return frame

    def next_blocking(self):
        while b"\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise RuntimeError("soak: connection closed during setup")
            self.buf += chunk
        line, _, self.buf = self.buf.partition(b"\n")
        return json.loads(line)

    def frames(self):
        """Complete frames now available; None when the connection closed."""
        try:
            chunk = self.sock.recv(1 << 16)
        except (BlockingIOError, InterruptedError):
            return []
        except OSError:
            return None
        if not chunk:
            return None
        self.buf += chunk
        out = []
        while b"\n" in self.buf:
            line, _, self.buf = self.buf.partition(b"\n")
            out.append(json.loads(line))
        return out


class Auditors(threading.Thread):
    """Per room one speaker at a steady rate and several listeners, for the
    whole soak. Every listener must see every seq of its room, in order."""

    def __init__(self, host, port, rooms, listeners_per_room, rate):
        super().__init__(daemon=True)
        self.rate = rate
        self.stop_event = threading.Event()
        self.rooms = [f"audit-{k}" for k in range(rooms)]
        self.speakers, self.listeners = {}, {}
        for room in self.rooms:
            self.listeners[room] = []
            for _ in range(listeners_per_room):
                c = Line(host, port)
                c.request({"type": "join", "room": room})
                self.listeners[room].append(c)
            speaker = Line(host, port)
            speaker.request({"type": "join", "room": room})
            self.speakers[room] = speaker
        self.connections = rooms * (listeners_per_room + 1)
        self.said = {room: [] for room in self.rooms}          # acked seqs
        self.seen = {id(c): [] for cs in self.listeners.values() for c in cs}
        self.errors = []

    def run(self):
        sel = selectors.DefaultSelector()
        for room in self.rooms:
            for c in [self.speakers[room], *self.listeners[room]]:
                c.sock.setblocking(False)
                sel.register(c.sock, selectors.EVENT_READ, (room, c))
        start, n = time.monotonic(), 0
        while not self.stop_event.is_set() or not self.caught_up():
            if self.stop_event.is_set() and time.monotonic() > self.stop_deadline:
                break
            due = start + n / self.rate
            if not self.stop_event.is_set() and time.monotonic() >= due:
                for room in self.rooms:
                    try:
                        self.speakers[room].send({"type": "say", "room": room, "text": f"audit {n}"})
                    except BlockingIOError:
                        self.errors.append(f"{room}: speaker's socket full")
                n += 1
                continue
            for key, _ in sel.select(max(0.0, min(0.05, due - time.monotonic()))):
                room, c = key.data
                frames = c.frames()
                if frames is None:
                    self.errors.append(f"{room}: a connection closed")
                    sel.unregister(c.sock)
                    continue
                for f in frames:
                    self.observe(room, c, f)
        for cs in [*self.listeners.values(), self.speakers.values()]:
            for c in cs:
                c.sock.close()

    def observe(self, room, c, frame):
        kind = frame.get("type")
        if c is self.speakers[room]:
            if kind == "ok":
                self.said[room].append(frame["seq"])
            elif kind == "error":
                self.errors.append(f"{room}: {frame}")
        elif kind == "message":
            self.seen[id(c)].append(frame["seq"])

    def caught_up(self):
        return all(len(self.seen[id(c)]) >= len(self.said[room])
                   for room in self.rooms for c in self.listeners[room])

    def stop(self):
        self.stop_deadline = time.monotonic() + 15
        self.stop_event.set()
        self.join(30)
        lost, contiguous, received = 0, True, 0
        for room in self.rooms:
            said = self.said[room]
            for c in self.listeners[room]:
                seen = self.seen[id(c)]
                received += len(seen)
                lost += len(set(said) - set(seen))
                contiguous &= seen == list(range(1, len(seen) + 1))
        return {"said": sum(len(s) for s in self.said.values()), "received": received, "lost": lost,
                "contiguous": contiguous, "errors": self.errors[:5]}


class Hostiles:
    """One cycle's misbehaving clients."""

    def __init__(self, host, port, busy_room):
        self.host, self.port, self.busy_room = host, port, busy_room
        self.socks = []

    def connect(self):
        s = socket.create_connection((self.host, self.port), timeout=10)
        self.socks.append(s)
        return s

    def start(self):
        # Slowloris: a hundred lines that never end.
        for i in range(100):
            self.connect().sendall(b"x" * (1000 + i))
        # A reader that never reads, with a loud neighbour (see stop()).
        self.slow = self.connect()
        self.slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.slow.sendall(b'{"type":"join","room":"never-read"}\n')
        self.loud = Line(self.host, self.port)
        self.loud.request({"type": "join", "room": "never-read"})

    def storm(self, count):
        """Connect and vanish: a quarter reset, a quarter after half a frame."""
        for i in range(count):
            s = socket.create_connection((self.host, self.port), timeout=10)
            if i % 4 == 2:
                s.sendall(b'{"type":"jo')
            if i % 2:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            s.close()

    def flood(self, seconds):
        """A text flooder, reading its rate_limited answers, for `seconds`."""
        s = socket.create_connection((self.host, self.port), timeout=1)
        s.sendall(b"/join flood\n")
        stop = time.monotonic() + seconds
        chunk = b"x\n" * 32768
        reader_done = threading.Event()

        def read():
            try:
                while time.monotonic() < stop + 1 and s.recv(1 << 20):
                    pass
            except OSError:
                pass
            reader_done.set()

        threading.Thread(target=read, daemon=True).start()
        try:
            while time.monotonic() < stop:
                s.sendall(chunk)
        except OSError:
            pass
        reader_done.wait(5)
        s.close()

    def stop(self):
        # The loud neighbour talks until the never-reading client is cut off
        # (it sees that client leave); bounded by the rate limit's burst.
        cut_off = False
        for _ in range(380):
            self.loud.send({"type": "say", "room": "never-read", "text": "l" * 30000})
            frame = self.loud.next_blocking()
            while frame.get("type") not in ("ok", "error"):
                if frame.get("type") == "left":
                    cut_off = True
                frame = self.loud.next_blocking()
            if cut_off:
                break
        self.loud.sock.close()
        for s in self.socks:
            s.close()
        return {"slow_reader_cut_off": cut_off, "slowloris": 100}
