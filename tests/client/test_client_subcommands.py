"""The scriptable side of `parley`: every subcommand against a real server,
its output, its exit status, and the flags shared by all of them."""
import json
import re
import signal
import socket

from client_support import (Background, ClientTestCase, Server, free_port, main, match,
                            run_parley)

CLOCK = r"\d\d:\d\d:\d\d"


class SendTest(ClientTestCase):
    def test_send_joins_says_leaves_and_exits_zero(self):
        watcher = self.user("w", "r")
        result = run_parley("send", *self.conn_args(), "--room", "r", "hello", "world")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stderr, "")
        joined = watcher.wait_event(match("joined", room="r"))
        said = watcher.wait_event(match("message", room="r", text="hello world"))
        self.assertEqual(said["from"], joined["nick"])
        watcher.wait_event(match("left", room="r", nick=joined["nick"], reason="leave"))

    def test_send_uses_the_nick_given_before_or_after_the_command(self):
        watcher = self.user("w", "r")
        for args in (["--nick", "bob", "send", "--room", "r", "one"],
                     ["send", "--room", "r", "two", "--nick", "bob"]):
            result = run_parley("--port", self.server.tcp_port, *args)
            self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(watcher.wait_event(match("message", text="one"))["from"], "bob")
        self.assertEqual(watcher.wait_event(match("message", text="two"))["from"], "bob")

    def test_send_refused_by_the_server_exits_three(self):
        result = run_parley("send", *self.conn_args(), "--room", "a\u0001b", "x")
        self.assertEqual(result.returncode, 3)
        self.assertRegex(result.stderr, r"^parley: cannot join .*invalid_room.*\n$")

    def test_send_with_a_taken_nick_exits_three(self):
        self.user("taken")
        result = run_parley("send", *self.conn_args(), "--nick", "taken", "--room", "r", "x")
        self.assertEqual(result.returncode, 3)
        self.assertIn("nick_taken", result.stderr)
        self.assertEqual(result.stderr.count("\n"), 1)


class RequestCommandsTest(ClientTestCase):
    server_args = ("--admin-token", "s3cret")

    def test_echo_prints_the_text(self):
        result = run_parley("echo", *self.conn_args(), "caf\u00e9  twice")
        self.assertEqual((result.returncode, result.stdout, result.stderr),
                         (0, "caf\u00e9  twice\n", ""))

    def test_stats_as_lines_and_as_json(self):
        text = run_parley("stats", *self.conn_args())
        self.assertEqual(text.returncode, 0, text.stderr)
        fields = dict(line.split(": ", 1) for line in text.stdout.splitlines())
        for key in ("connections", "rooms", "uptime_s", "frames_in", "frames_out",
                    "bytes_in", "bytes_out", "udp_datagrams"):
            self.assertRegex(fields.get(key, ""), r"^\d+$", key)
        as_json = run_parley("stats", "--json", *self.conn_args())
        self.assertEqual(as_json.returncode, 0, as_json.stderr)
        stats = json.loads(as_json.stdout)
        self.assertGreaterEqual(stats["connections"], 1)
        self.assertNotIn("type", stats)

    def test_shutdown_with_a_wrong_token_is_refused(self):
        result = run_parley("shutdown", *self.conn_args(), "--token", "nope")
        self.assertEqual(result.returncode, 3)
        self.assertIn("forbidden", result.stderr)
        self.assertIsNone(self.server.proc.poll(), "server stopped on a bad token")
        self.ok(self.server.connect(), {"type": "ping"})

    def test_shutdown_with_the_token_from_the_environment(self):
        watcher = self.server.connect()
        result = run_parley("shutdown", *self.conn_args(), env={"PARLEY_ADMIN_TOKEN": "s3cret"})
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("shutting down", result.stdout)
        watcher.wait_event(match("shutdown", reason="admin"))
        self.assertEqual(self.server.proc.wait(10), 0)

    def test_shutdown_without_any_token_is_a_usage_error(self):
        result = run_parley("shutdown", *self.conn_args())
        self.assertEqual(result.returncode, 2)
        self.assertIn("PARLEY_ADMIN_TOKEN", result.stderr)


class UdpEchoTest(ClientTestCase):
    def test_udp_echo_prints_each_reply_and_statistics(self):
        result = run_parley("udp-echo", *self.conn_args(), "ping!", "--count", "3",
                            "--interval", "0")
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = result.stdout.splitlines()
        for seq in (1, 2, 3):
            self.assertRegex(lines[seq - 1],
                             rf"^5 bytes from 127\.0\.0\.1:{self.server.udp_port}: "
                             rf"seq={seq} time=\d+\.\d{{3}} ms$")
        self.assertIn("3 sent, 3 received, 0% loss", lines)
        self.assertRegex(lines[-1], r"^rtt min/avg/max/mdev = [\d.]+/[\d.]+/[\d.]+/[\d.]+ ms$")

    def test_udp_port_defaults_to_the_tcp_port(self):
        # Nothing listens for UDP on the TCP port number: refused, status 1.
        result = run_parley("udp-echo", "--port", self.server.tcp_port, "x", "--count", "1",
                            "--wait", "2")
        self.assertEqual(result.returncode, 1)
        self.assertIn(f"127.0.0.1:{self.server.tcp_port}", result.stdout + result.stderr)
        self.assertIn("1 sent, 0 received, 100% loss", result.stdout)


class ListenTest(ClientTestCase):
    def listen(self, *args):
        listener = Background("listen", *self.conn_args(), *args)
        self.addCleanup(listener.close)
        return listener

    def test_listen_prints_one_line_per_message_and_stops_after_count(self):
        watcher = self.user("w", "r")
        listener = self.listen("--room", "r", "--count", "2", "--nick", "ear")
        watcher.wait_event(match("joined", room="r", nick="ear"))
        self.ok(watcher, {"type": "say", "room": "r", "text": "first"})
        self.ok(watcher, {"type": "say", "room": "r", "text": "second \u001b[31m"})
        self.assertRegex(listener.read_line(), rf"^{CLOCK} \[r\] <w> first$")
        # Control characters from other users are shown escaped, never raw.
        self.assertRegex(listener.read_line(), rf"^{CLOCK} \[r\] <w> second \\x1B\[31m$")
        self.assertEqual(listener.wait(), 0)
        watcher.wait_event(match("left", room="r", nick="ear", reason="quit"))

    def test_listen_json_and_several_rooms(self):
        watcher = self.user("w", "a", "b")
        listener = self.listen("--json", "--room", "a", "--room", "b")
        watcher.wait_event(match("joined", room="b"))
        self.ok(watcher, {"type": "say", "room": "a", "text": "in a"})
        self.ok(watcher, {"type": "say", "room": "b", "text": "in b"})
        first, second = json.loads(listener.read_line()), json.loads(listener.read_line())
        self.assertEqual((first["type"], first["room"], first["from"], first["text"], first["seq"]),
                         ("message", "a", "w", "in a", 1))
        self.assertEqual((second["room"], second["text"]), ("b", "in b"))
        self.assertIsInstance(second["ts"], int)
        self.assertEqual(listener.stop(signal.SIGINT), 0)

    def test_listen_shows_private_messages(self):
        watcher = self.user("w", "r")
        listener = self.listen("--room", "r", "--nick", "ear")
        watcher.wait_event(match("joined", nick="ear"))
        self.ok(watcher, {"type": "msg", "to": "ear", "text": "psst"})
        self.assertRegex(listener.read_line(), rf"^{CLOCK} \(pm\) <w> psst$")
        self.assertEqual(listener.stop(), 0)

    def test_listen_refused_join_exits_three(self):
        result = run_parley("listen", *self.conn_args(), "--room", "no\u0007good", timeout=15)
        self.assertEqual(result.returncode, 3)
        self.assertIn("invalid_room", result.stderr)


class UnreachableTest(ClientTestCase):
    def test_every_command_says_one_line_and_exits_one(self):
        port = free_port()
        for args in (["echo", "x"], ["stats"], ["send", "--room", "r", "x"],
                     ["listen", "--room", "r"], ["shutdown", "--token", "t"], []):
            result = run_parley("--port", port, *args)
            self.assertEqual(result.returncode, 1, args)
            self.assertEqual(result.stderr,
                             f"parley: cannot reach server at 127.0.0.1:{port}: connection refused\n",
                             args)


class FlagsTest(ClientTestCase):
    def test_connection_flags_before_or_after_the_command(self):
        for args in (["--port", self.server.tcp_port, "echo", "x"],
                     ["echo", "--port", self.server.tcp_port, "x"],
                     ["echo", "x", "--port", self.server.tcp_port],
                     ["--host", "localhost", "--port", self.server.tcp_port, "echo", "x"]):
            result = run_parley(*args)
            self.assertEqual((result.returncode, result.stdout), (0, "x\n"), args)

    def test_help_for_the_program_and_each_command(self):
        top = run_parley("--help")
        self.assertEqual(top.returncode, 0)
        for name in ("send", "listen", "echo", "udp-echo", "stats", "shutdown", "Exit status"):
            self.assertIn(name, top.stdout)
        for command in ("send", "listen", "echo", "udp-echo", "stats", "shutdown"):
            result = run_parley(command, "--help")
            self.assertEqual(result.returncode, 0, command)
            for flag in ("--host", "--port", "--udp-port", "--nick"):
                self.assertIn(flag, result.stdout, command)
        self.assertRegex(run_parley("--version").stdout, r"^parley \d+\.\d+\.\d+\n$")

    def test_usage_errors_exit_two_with_one_line(self):
        for args in (["--port", "70000"], ["listen"], ["send", "--room", "r"], ["bogus"],
                     ["echo", "x", "--frobnicate"]):
            result = run_parley(*args)
            self.assertEqual(result.returncode, 2, args)
            self.assertEqual(result.stderr.count("\n"), 1, result.stderr)
            self.assertTrue(result.stderr.startswith("parley: "), result.stderr)


def ipv6_loopback_available():
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


class Ipv6Test(ClientTestCase):
    def setUp(self):
        if not ipv6_loopback_available():
            self.skipTest("no IPv6 loopback here")
        self.server = Server(host="::1")
        self.addCleanup(self.server.__exit__, None, None, None)

    def test_ipv6_host(self):
        result = run_parley("echo", "--host", "::1", "--port", self.server.tcp_port, "six")
        self.assertEqual((result.returncode, result.stdout), (0, "six\n"), result.stderr)
        udp = run_parley("udp-echo", "--host", "::1", "--port", self.server.tcp_port,
                         "--udp-port", self.server.udp_port, "six", "--count", "1")
        self.assertEqual(udp.returncode, 0, udp.stderr)
        self.assertIn(f"[::1]:{self.server.udp_port}", udp.stdout)


if __name__ == "__main__":
    main()
