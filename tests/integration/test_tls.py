"""TLS: the same protocol inside TLS on its own port, beside the plain one.
Certificates are made at test time with openssl."""
import socket
import ssl
import tempfile
import unittest

import packet_capture
from harness import Client, TlsCertificates, make_cert, match, run_parleyd, scaled


class TlsServerCase(TlsCertificates, unittest.TestCase):
    def setUp(self):
        self.server, (self.tls_host, self.tls_port) = self.start_tls_server("--tls-handshake-timeout", "0.5")

    def tls_connect(self, cafile=None):
        ctx = ssl.create_default_context(cafile=cafile or self.cert)
        raw = socket.create_connection((self.tls_host, self.tls_port), timeout=scaled(10))
        return Client(ctx.wrap_socket(raw, server_hostname="localhost"))

    def test_ready_line_names_the_tls_port_last(self):
        self.assertRegex(self.server.ready_line, r" udp=\S+ tls=127\.0\.0\.1:\d+$")

    def test_plain_and_tls_clients_share_a_room(self):
        plain, secure = self.server.connect(), self.tls_connect()
        self.assertEqual(secure.request({"type": "nick", "nick": "sam"})["type"], "ok")
        for c in (plain, secure):
            self.assertEqual(c.request({"type": "join", "room": "lobby"})["type"], "ok")
        plain.request({"type": "say", "room": "lobby", "text": "to tls"})
        self.assertEqual(secure.wait_event(lambda e: e["type"] == "message")["text"], "to tls")
        # text mode works inside TLS too
        secure.send_line("from tls")
        message = plain.wait_event(lambda e: e["type"] == "message")
        self.assertEqual((message["from"], message["text"]), ("sam", "from tls"))

    def test_the_tls_port_carries_no_plaintext(self):
        plain = self.server.connect()
        plain.request({"type": "join", "room": "vault"})
        # A TLS client driven through memory BIOs, so every byte on the wire is seen.
        ctx = ssl.create_default_context(cafile=self.cert)
        incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        tls = ctx.wrap_bio(incoming, outgoing, server_hostname="localhost")
        raw = socket.create_connection((self.tls_host, self.tls_port), timeout=scaled(10))
        wire = bytearray()

        def pump():
            out = outgoing.read()
            if out:
                wire.extend(out)
                raw.sendall(out)
            data = raw.recv(65536)
            self.assertTrue(data, "server closed the TLS connection")
            wire.extend(data)
            incoming.write(data)

        while True:
            try:
                tls.do_handshake()
                break
            except ssl.SSLWantReadError:
                pump()
        plain_text = bytearray()

        def read_until(needle):
            while needle not in plain_text:
                pump()
                try:
                    plain_text.extend(tls.read())
                except ssl.SSLWantReadError:
                    pass

        tls.write(b'{"type":"join","room":"vault"}\n')
        read_until(b"ok")
        plain.request({"type": "say", "room": "vault", "text": "swordfish-7431"})
        read_until(b"swordfish-7431")
        raw.close()
        self.assertIn(b"swordfish-7431", plain_text)
        self.assertNotIn(b"swordfish", bytes(wire))
        self.assertNotIn(b"vault", bytes(wire))

    def test_a_capture_of_the_tls_port_shows_only_ciphertext(self):
        reason = packet_capture.unavailable()
        if reason:
            self.skipTest(reason)
        plain_port = self.server.tcp_port
        capture = packet_capture.Capture(f"tcp port {self.tls_port} or tcp port {plain_port}")
        self.addCleanup(capture.stop)

        secure = self.tls_connect()
        secure.request({"type": "join", "room": "vault"})
        plain = self.server.connect()
        plain.request({"type": "join", "room": "vault"})
        plain.request({"type": "say", "room": "vault", "text": "swordfish-2209"})
        self.assertEqual(secure.wait_event(match("message"))["text"], "swordfish-2209")
        # Said last, in the clear: once the capture holds it, it holds every
        # packet sent before it, the TLS ones included.
        plain.request({"type": "echo", "text": "end-of-capture-5521"})
        capture.wait_for(b"end-of-capture-5521")

        segments = capture.segments()
        on_tls = b"".join(p for s, d, p in segments if self.tls_port in (s, d))
        on_plain = b"".join(p for s, d, p in segments if plain_port in (s, d))
        self.assertIn(b"swordfish-2209", on_plain, "the capture sees plaintext where there is some")
        self.assertIn(b"\x16\x03", on_tls, "no TLS handshake record in the capture")
        self.assertGreater(len(on_tls), 1000)
        for secret in (b"swordfish", b"vault", b"message"):
            self.assertNotIn(secret, on_tls)

    def test_a_client_with_the_wrong_ca_is_refused_by_itself(self):
        with self.assertRaises(ssl.SSLCertVerificationError):
            self.tls_connect(cafile=self.other_cert)
        # the server is unharmed
        self.assertEqual(self.tls_connect().request({"type": "ping"})["type"], "ok")

    def test_garbage_before_the_handshake_is_dropped_harmlessly(self):
        bystander = self.tls_connect()
        raw = Client(socket.create_connection((self.tls_host, self.tls_port), timeout=scaled(10)))
        raw.send_raw(b'{"type":"hello"}\n')
        raw.expect_closed()
        self.assertEqual(bystander.request({"type": "ping"})["type"], "ok")
        self.assertIn("TLS handshake failed", self.server.stderr_text())

    def test_a_silent_client_is_dropped_after_the_handshake_timeout(self):
        raw = Client(socket.create_connection((self.tls_host, self.tls_port), timeout=scaled(10)))
        raw.expect_closed(timeout=5.0)


class TlsStartup(unittest.TestCase):
    def test_a_missing_certificate_is_a_usage_error(self):
        result = run_parleyd("--tcp-port", "0", "--no-udp", "--tls-cert", "/nonexistent.pem",
                             "--tls-key", "/nonexistent.pem")
        self.assertEqual(result.returncode, 2)

    def test_a_key_that_does_not_match_fails_with_a_clear_line(self):
        with tempfile.TemporaryDirectory() as tmp:
            cert, _ = make_cert(tmp, "a")
            _, key = make_cert(tmp, "b")
            result = run_parleyd("--tcp-port", "0", "--no-udp", "--tls-port", "0", "--tls-cert", cert,
                                 "--tls-key", key)
        self.assertEqual(result.returncode, 1)
        self.assertIn("mismatch", result.stderr)
        self.assertEqual(len(result.stderr.strip().splitlines()), 1)


if __name__ == "__main__":
    unittest.main(verbosity=2)
