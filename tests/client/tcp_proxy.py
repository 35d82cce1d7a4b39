"""A TCP proxy for the client tests: it stands between `parley` and the server
so that a test can cut the connection, keep the client out for a while, and
see how the client ended its connections (FIN or RST)."""
import selectors
import socket
import threading
import time

import harness

# Deadlines stretch with the harness (valgrind, sanitizers); 1x without it.
scaled = getattr(harness, "scaled", lambda timeout: timeout)


class Proxy:
    """A TCP proxy between the client and the server that a test can cut.

    cut() closes every proxied connection on both sides; with block=True it
    also stops listening, so reconnect attempts are refused until unblock()
    listens again on the same port. All socket work happens on one thread;
    the test thread hands it commands and waits for them to be done."""

    def __init__(self, target_port, target_host="127.0.0.1"):
        self.target = (target_host, target_port)
        self._listener = self._listen(0)
        self.port = self._listener.getsockname()[1]
        self.accepted = 0
        self.endings = []  # how client connections ended: "eof" (FIN) or "reset" (RST)
        self._pairs = {}  # socket -> its peer
        self._client_side = set()
        self._finished = set()  # sockets that have sent their FIN
        self._sel = selectors.DefaultSelector()
        self._sel.register(self._listener, selectors.EVENT_READ, "accept")
        self._wake_r, self._wake_w = socket.socketpair()
        self._sel.register(self._wake_r, selectors.EVENT_READ, "wake")
        self._commands = []
        self._cond = threading.Condition()
        self._running = True
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @staticmethod
    def _listen(port):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))
        s.listen(16)
        s.setblocking(False)
        return s

    # -- test thread -----------------------------------------------------------
    def _call(self, fn, timeout=5.0):
        done = threading.Event()
        with self._cond:
            self._commands.append((fn, done))
        self._wake_w.send(b"x")
        if not done.wait(scaled(timeout)):
            raise AssertionError("proxy thread did not run the command")

    def cut(self, block=False):
        def do():
            for s in list(self._pairs):
                self._drop(s)
            if block and self._listener is not None:
                self._sel.unregister(self._listener)
                self._listener.close()
                self._listener = None
        self._call(do)

    def unblock(self):
        def do():
            if self._listener is None:
                self._listener = self._listen(self.port)
                self._sel.register(self._listener, selectors.EVENT_READ, "accept")
        self._call(do)

    def retarget(self, port, host="127.0.0.1"):
        """New connections go to another server (a restarted one)."""
        def do():
            self.target = (host, port)
        self._call(do)

    def wait_accepted(self, count, timeout=10.0):
        deadline = time.monotonic() + scaled(timeout)
        with self._cond:
            while self.accepted < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"proxy saw {self.accepted} connections, wanted {count}")
                self._cond.wait(remaining)

    def wait_ending(self, timeout=10.0):
        """How the first client connection that ended did so: "eof" or "reset"."""
        deadline = time.monotonic() + scaled(timeout)
        with self._cond:
            while not self.endings:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError("no client connection ended")
                self._cond.wait(remaining)
            return self.endings[0]

    def close(self):
        self._running = False
        try:
            self._wake_w.send(b"x")
        except OSError:
            # The thread may already have seen _running, finished and closed
            # its end (EPIPE); the wake-up only saves it waiting out select.
            pass
        self._thread.join(scaled(5.0))
        self._wake_w.close()
        if self._thread.is_alive():
            raise AssertionError("proxy thread did not stop")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    # -- proxy thread ----------------------------------------------------------
    def _drop(self, s):
        peer = self._pairs.pop(s, None)
        for sock in (s, peer):
            if sock is None:
                continue
            self._pairs.pop(sock, None)
            self._client_side.discard(sock)
            self._finished.discard(sock)
            try:
                self._sel.unregister(sock)
            except (KeyError, ValueError):
                pass
            sock.close()

    def _run(self):
        while self._running:
            for key, _ in self._sel.select(0.5):
                if key.data == "wake":
                    self._wake_r.recv(4096)
                    with self._cond:
                        commands, self._commands = self._commands, []
                    for fn, done in commands:
                        fn()
                        done.set()
                elif key.data == "accept":
                    self._accept()
                elif key.fileobj in self._pairs:
                    self._forward(key.fileobj)
        for s in list(self._pairs):
            self._drop(s)
        if self._listener is not None:
            self._listener.close()
        self._sel.close()
        self._wake_r.close()

    def _accept(self):
        try:
            client, _ = self._listener.accept()
        except BlockingIOError:
            return
        try:
            upstream = socket.create_connection(self.target, timeout=5)
        except OSError:
            client.close()
            return
        for s in (client, upstream):
            s.setblocking(True)
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._pairs[client] = upstream
        self._pairs[upstream] = client
        self._client_side.add(client)
        self._sel.register(client, selectors.EVENT_READ)
        self._sel.register(upstream, selectors.EVENT_READ)
        with self._cond:
            self.accepted += 1
            self._cond.notify_all()

    def _forward(self, s):
        try:
            data = s.recv(65536)
            ending = "eof"
        except ConnectionResetError:
            data, ending = None, "reset"
        except OSError:
            data, ending = None, "error"
        peer = self._pairs.get(s)
        if not data and s in self._client_side:
            with self._cond:
                self.endings.append(ending)
                self._cond.notify_all()
        if data is None or peer is None:
            return self._drop(s)
        if data == b"":
            # Pass the FIN on and keep the other direction open, as TCP does.
            self._sel.unregister(s)
            self._finished.add(s)
            if peer in self._finished:
                return self._drop(s)
            try:
                peer.shutdown(socket.SHUT_WR)
            except OSError:
                self._drop(s)
            return
        try:
            peer.sendall(data)
        except OSError:
            self._drop(s)
