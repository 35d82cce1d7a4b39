"""Running out of file descriptors (a small `ulimit -n`, soft and hard, so
the server cannot raise it): clients already connected keep chatting, new
ones are refused or wait without the loop spinning, and the server takes
new clients again as soon as descriptors free up."""
import socket
import time
import unittest

from hostile import WRAPPER, HostileTestCase, cpu_seconds, main, open_fds, scaled, wait_until

NOFILE = 64




def answer(sock, timeout=5.0):
    """The first line the server sends on a fresh connection after a ping:
    b'' when it closes the connection, None when it says nothing in time."""
    sock.settimeout(scaled(timeout))
    try:
        sock.sendall(b'{"type":"ping"}\n')
        data = b""
        while not data.endswith(b"\n"):
            chunk = sock.recv(4096)
            if not chunk:
                return b""
            data += chunk
        return data
    except (ConnectionResetError, BrokenPipeError):
        return b""
    except socket.timeout:
        return None


@unittest.skipIf(WRAPPER, "a wrapper such as valgrind needs descriptors of its own")
class FdExhaustion(HostileTestCase):
    def connect_many(self, server, count):
        socks = [socket.create_connection((server.host, server.tcp_port), timeout=scaled(5)) for _ in range(count)]
        for sock in socks:
            self.addCleanup(sock.close)
        return socks

    def test_default_max_clients_refuses_politely_and_recovers(self):
        # Without --max-clients the server keeps a reserve of descriptors and
        # says server_full instead of failing to accept.
        server = self.start_server(nofile=NOFILE)
        probe = self.start_probe(4.0, server=server)
        accepted, refused = [], 0
        for sock in self.connect_many(server, NOFILE):
            reply = answer(sock)
            if reply and b'"type":"ok"' in reply:
                accepted.append(sock)
            else:
                self.assertIn(b'"code":"server_full"', reply or b"(nothing)")
                refused += 1
                sock.close()
        self.assertGreater(refused, 0, "the limit was never reached")
        for sock in accepted:
            self.assertIn(b'"type":"ok"', answer(sock))
        self.assertChatHealthy(probe.finish())
        # Free a few slots (the probe's two, and four more): new clients are
        # served again. Four, not six: the connection that asked for the
        # count may not be gone yet.
        for sock in accepted[:4]:
            sock.close()
        self.wait_connections(len(accepted) - 4, server=server)
        for sock in self.connect_many(server, 4):
            self.assertIn(b'"type":"ok"', answer(sock))
            sock.close()
        for sock in accepted[4:]:
            sock.close()

    def test_accept_failures_do_not_spin_and_the_server_recovers(self):
        # --max-clients beyond what the descriptors allow: accept() itself
        # fails with EMFILE. libuv then accepts and closes the extra
        # connections with a reserved descriptor rather than spinning on a
        # listener that stays readable.
        server = self.start_server("--max-clients", 1000, nofile=NOFILE)
        probe = self.start_probe(5.0, server=server)
        socks = self.connect_many(server, NOFILE + 16)
        served, turned_away, waiting = [], 0, []
        for sock in socks:
            reply = answer(sock, timeout=1.0)
            if reply is None:
                waiting.append(sock)
            elif b'"type":"ok"' in reply:
                served.append(sock)
            else:
                self.assertEqual(reply, b"", "refused connections are closed")
                turned_away += 1
                sock.close()
        self.assertGreater(turned_away + len(waiting), 0, "descriptors never ran out")
        self.assertGreater(len(served), NOFILE // 2)

        # While some wait in the backlog, the loop must not busy-wait.
        cpu_before, wall_before = cpu_seconds(server.proc.pid), time.monotonic()
        for sock in served:
            self.assertIn(b'"type":"ok"', answer(sock))
        probe_result = probe.finish()
        busy = (cpu_seconds(server.proc.pid) - cpu_before) / (time.monotonic() - wall_before)
        self.assertLess(busy, 0.5, "the server spins while descriptors are exhausted")
        self.assertChatHealthy(probe_result)
        # If accept errors reach the server at all, it says so at most once a
        # second: a flood of connections must not become a flood of log lines.
        failures = server.stderr_text().count("accept failed")
        self.assertLessEqual(failures, 1 + time.monotonic() - wall_before + 5)

        # Descriptors free up: clients are served again, including any that
        # were waiting. (Until the server has seen the closes, a newcomer
        # still finds no descriptor, hence the wait on its descriptor count.)
        in_use = open_fds(server.proc.pid)
        for sock in served[:10] + waiting:
            sock.close()
        wait_until(lambda: open_fds(server.proc.pid) <= in_use - 10, 10, "the server to close 10 connections")
        fresh = self.connect_many(server, 5)
        for sock in fresh:
            self.assertIn(b'"type":"ok"', answer(sock, timeout=10.0) or b"(nothing)")
            sock.close()
        for sock in served[10:]:
            sock.close()


if __name__ == "__main__":
    main()
