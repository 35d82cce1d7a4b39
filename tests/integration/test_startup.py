"""Start-up contract: the ready line, the exit statuses for bad flags and
busy ports, --help and --version."""
import re
import socket
import unittest

from harness import Server, run_parleyd
from support import ServerTestCase, main

BAD_FLAGS = [
    ["--bogus"],
    ["--tcp-port", "notaport"],
    ["--tcp-port", "65536"],
    ["--tcp-port", "-1"],
    ["--udp-port", "99999"],
    ["--max-frame", "lots"],
    ["--max-clients", "-3"],
    ["--rate", "fast"],
    ["--idle-timeout", "soon"],
    ["--history", "-1"],
    ["--log-level", "loud"],
    ["--tcp-port"],
    ["stray-positional"],
]


class ReadyLine(unittest.TestCase):
    def test_ready_line_names_both_bound_addresses(self):
        with Server() as server:
            self.assertRegex(server.ready_line,
                             r"^parleyd ready tcp=127\.0\.0\.1:\d+ udp=127\.0\.0\.1:\d+$")
            self.assertNotEqual(server.tcp_port, 0)
            self.assertNotEqual(server.udp_port, 0)
            server.connect().close()

    def test_no_udp_prints_udp_off(self):
        with Server(udp=False) as server:
            self.assertRegex(server.ready_line, r"^parleyd ready tcp=127\.0\.0\.1:\d+ udp=off$")
            self.assertIsNone(server.udp_port)

    def test_ready_is_the_only_stdout_line(self):
        with Server() as server:
            client = server.connect()
            client.request({"type": "hello"})
            self.assertEqual(server.stop(), 0)
            self.assertEqual(server.stdout_after_ready, b"")

    def test_host_name_binds_its_first_address(self):
        first = socket.getaddrinfo("localhost", None, type=socket.SOCK_STREAM)[0][4][0]
        with Server(host="localhost") as server:
            self.assertEqual(server.host, first)
            self.assertRegex(server.ready_line, r"^parleyd ready tcp=\[?%s\]?:\d+ " % re.escape(first))
            server.connect().request({"type": "ping"})

    def test_two_servers_get_different_ports(self):
        with Server() as first, Server() as second:
            self.assertNotEqual(first.tcp_port, second.tcp_port)
            self.assertNotEqual(first.udp_port, second.udp_port)


class BadFlags(unittest.TestCase):
    def test_bad_flags_exit_2_without_starting(self):
        for args in BAD_FLAGS:
            with self.subTest(args=args):
                result = run_parleyd("--tcp-port", "0", "--udp-port", "0", *args)
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertNotIn("ready", result.stdout)
                self.assertNotEqual(result.stderr.strip(), "")

    def test_bad_flag_prints_usage(self):
        result = run_parleyd("--bogus")
        self.assertEqual(result.returncode, 2)
        self.assertIn("usage", (result.stdout + result.stderr).lower())

    def test_help_exits_0_and_lists_flags(self):
        result = run_parleyd("--help")
        self.assertEqual(result.returncode, 0, result.stderr)
        for flag in ("--tcp-port", "--max-frame", "--admin-token"):
            self.assertIn(flag, result.stdout)

    def test_version_matches_hello(self):
        result = run_parleyd("--version")
        self.assertEqual(result.returncode, 0, result.stderr)
        with Server() as server:
            hello = server.connect().request({"type": "hello"})
        self.assertIn(hello["version"], result.stdout)


class BusyPorts(unittest.TestCase):
    def assertBindFailure(self, result, port):
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertNotIn("ready", result.stdout)
        lines = [l for l in result.stderr.splitlines() if l.strip()]
        self.assertEqual(len(lines), 1, f"want one clear line, got {lines}")
        self.assertRegex(lines[0], rf"127\.0\.0\.1\]?:{port}\b")

    def test_tcp_port_in_use_exits_1_naming_the_address(self):
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = taken.getsockname()[1]
            result = run_parleyd("--tcp-port", port, "--no-udp")
        self.assertBindFailure(result, port)

    def test_udp_port_in_use_exits_1_naming_the_address(self):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as taken:
            taken.bind(("127.0.0.1", 0))
            port = taken.getsockname()[1]
            result = run_parleyd("--tcp-port", "0", "--udp-port", port)
        self.assertBindFailure(result, port)


class ServesAfterStart(ServerTestCase):
    def test_hello_describes_the_server(self):
        hello = self.ok(self.server.connect(), "hello")
        self.assertIsInstance(hello["server"], str)
        self.assertIsInstance(hello["version"], str)
        self.assertEqual(hello["protocol"], 1)
        self.assertRegex(hello["nick"], r"^guest\d+$")

    def test_sigterm_on_idle_server_exits_0(self):
        self.assertEqual(self.server.stop(), 0)


if __name__ == "__main__":
    main()
