"""`parley --tls`: the client over parleyd's TLS port, checking the server's
certificate against --ca (or the system's CAs), or not at all with
--insecure. Certificates are made at test time."""
import json
import subprocess

from client_support import (Background, ClientTestCase, LineReader, Proxy, PtySession, main,
                            match, run_parley)
from harness import TlsCertificates, scaled


class TlsClientCase(TlsCertificates, ClientTestCase):
    def setUp(self):
        self.server, (_, self.tls_port) = self.start_tls_server()

    def tls_args(self, *extra):
        return ["--tls", "--ca", self.cert, "--port", self.tls_port, *extra]


class TlsSubcommandsTest(TlsClientCase):
    def test_send_over_tls_reaches_a_plain_client(self):
        watcher = self.user("plain", "r")
        result = run_parley("send", *self.tls_args(), "--nick", "secure", "--room", "r", "sealed")
        self.assertEqual((result.returncode, result.stderr), (0, ""))
        said = watcher.wait_event(match("message", room="r", text="sealed"))
        self.assertEqual(said["from"], "secure")

    def test_echo_and_stats_over_tls(self):
        echo = run_parley("echo", *self.tls_args(), "through the tunnel")
        self.assertEqual((echo.returncode, echo.stdout, echo.stderr), (0, "through the tunnel\n", ""))
        stats = run_parley("stats", "--json", *self.tls_args())
        self.assertEqual(stats.returncode, 0, stats.stderr)
        self.assertGreaterEqual(json.loads(stats.stdout)["connections"], 1)

    def test_listen_over_tls_hears_a_plain_client(self):
        speaker = self.user("plain", "r")
        listener = Background("listen", *self.tls_args(), "--nick", "ear", "--room", "r", "--json")
        self.addCleanup(listener.close)
        speaker.wait_event(match("joined", room="r", nick="ear"))
        self.ok(speaker, {"type": "say", "room": "r", "text": "can you hear me"})
        frame = json.loads(listener.read_line())
        self.assertEqual((frame["from"], frame["text"]), ("plain", "can you hear me"))
        self.assertEqual(listener.stop(), 0)

    def test_insecure_skips_the_check_but_still_encrypts(self):
        result = run_parley("echo", "--tls", "--insecure", "--port", self.tls_port, "x")
        self.assertEqual((result.returncode, result.stdout), (0, "x\n"), result.stderr)

    def test_the_host_name_is_checked_against_the_certificate(self):
        # The certificate names localhost and 127.0.0.1, so both pass.
        for host in ("localhost", "127.0.0.1"):
            result = run_parley("echo", *self.tls_args("--host", host), "x")
            self.assertEqual((result.returncode, result.stdout), (0, "x\n"), (host, result.stderr))


class TlsFailuresTest(TlsClientCase):
    def assert_one_line_failure(self, result, status, pattern):
        self.assertEqual(result.returncode, status, result.stderr)
        self.assertEqual(result.stdout, "")
        self.assertEqual(result.stderr.count("\n"), 1, result.stderr)
        self.assertRegex(result.stderr, pattern)

    def test_a_certificate_from_another_ca_is_refused(self):
        result = run_parley("echo", "--tls", "--ca", self.other_cert, "--port", self.tls_port, "x")
        self.assert_one_line_failure(
            result, 1, rf"^parley: cannot reach server at 127\.0\.0\.1:{self.tls_port}: "
                       r"TLS handshake failed: .*certificate verify failed")

    def test_without_ca_the_system_store_does_not_know_a_self_signed_server(self):
        result = run_parley("stats", "--tls", "--port", self.tls_port)
        self.assert_one_line_failure(result, 1, r"certificate verify failed.*self-signed")

    def test_tls_against_the_plain_port_fails_the_handshake(self):
        result = run_parley("echo", "--tls", "--insecure", "--port", self.server.tcp_port, "x")
        self.assert_one_line_failure(result, 1, r"TLS handshake failed")

    def test_every_command_fails_the_same_way(self):
        for args in (["send", "--room", "r", "x"], ["listen", "--room", "r"],
                     ["shutdown", "--token", "t"], []):
            result = run_parley(*args, "--tls", "--ca", self.other_cert, "--port", self.tls_port)
            self.assert_one_line_failure(result, 1, r"certificate verify failed")

    def test_tls_flag_mistakes_are_usage_errors(self):
        for args, pattern in (
                (["--ca", self.cert], r"--ca and --insecure go with --tls"),
                (["--insecure"], r"--ca and --insecure go with --tls"),
                (["--tls", "--ca", self.cert, "--insecure"], r"exclude each other"),
                (["--tls", "--ca", "/nonexistent/ca.pem"], r"--ca: File does not exist"),
                (["--tls", "--ca", __file__], r"cannot load CA file")):
            result = run_parley("echo", "--port", self.tls_port, *args, "x")
            self.assert_one_line_failure(result, 2, "^parley: .*" + pattern)


class TlsInteractiveTest(TlsClientCase):
    def start(self, nick):
        session = PtySession(*self.tls_args("--udp-port", self.server.udp_port, "--nick", nick,
                                            "--room", "lobby"))
        self.addCleanup(session.close)
        session.expect(f"connected to 127.0.0.1:{self.tls_port}")
        session.expect("@lobby> ")
        return session

    def test_two_people_and_openssl_s_client_chat_over_tls(self):
        alice = self.start("alice")
        bob = self.start("bob")
        alice.expect("bob joined lobby")
        alice.type("hi bob\r")
        bob.expect("<alice> hi bob")

        # A third person with nothing but openssl, in text mode.
        carol = subprocess.Popen(
            ["openssl", "s_client", "-quiet", "-no_ign_eof", "-verify_return_error",
             "-CAfile", self.cert,
             "-connect", f"127.0.0.1:{self.tls_port}"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.addCleanup(carol.kill)
        carol.stdin.write(b"/nick carol\n/join lobby\nhello from openssl\n")
        carol.stdin.flush()
        alice.expect("<carol> hello from openssl")
        bob.expect("<carol> hello from openssl")
        bob.type("welcome carol\r")
        alice.expect("<bob> welcome carol")
        reader = LineReader(carol.stdout.fileno())
        while reader.read_line() != "[lobby] bob: welcome carol":
            pass
        carol.stdin.close()  # end of input: s_client closes the TLS session
        self.addCleanup(carol.stdout.close)
        self.assertEqual(carol.wait(scaled(10)), 0)

        bob.type("/quit\r")
        self.assertEqual(bob.wait_exit(), 0)
        alice.expect("bob left lobby (quit)")
        alice.type("/quit\r")
        self.assertEqual(alice.wait_exit(), 0)


class TlsReconnectTest(TlsClientCase):
    def test_listen_reconnects_over_tls_and_catches_up(self):
        # The proxy passes TLS bytes through untouched; cutting it is a lost
        # connection for the client, which must redo the handshake.
        with Proxy(self.tls_port) as proxy:
            speaker = self.user("speaker", "r")
            listener = Background("listen", "--tls", "--ca", self.cert, "--port", proxy.port,
                                  "--nick", "lis", "--room", "r", "--json")
            self.addCleanup(listener.close)
            speaker.wait_event(match("joined", room="r", nick="lis"))
            self.ok(speaker, {"type": "say", "room": "r", "text": "before"})
            self.assertEqual(json.loads(listener.read_line())["text"], "before")

            proxy.cut(block=True)
            speaker.wait_event(match("left", room="r", nick="lis"))
            self.ok(speaker, {"type": "say", "room": "r", "text": "while away"})
            listener.wait_stderr(r"reconnecting in")
            proxy.unblock()
            speaker.wait_event(match("joined", room="r", nick="lis"), timeout=15)
            self.ok(speaker, {"type": "say", "room": "r", "text": "after"})
            texts = [json.loads(listener.read_line())["text"] for _ in range(2)]
            self.assertEqual(texts, ["while away", "after"])
            self.assertEqual(listener.stop(), 0)
            self.assertGreaterEqual(proxy.accepted, 2)


if __name__ == "__main__":
    main()
