"""Cluster flags: without --cluster parleyd never touches Redis; bad values
stop it at start-up with a clear message."""
import os
import re
import unittest

from cluster_harness import Redis, Server, free_port, main
from harness import run_parleyd


def connections_received(redis):
    info = redis.call("INFO", "stats")
    return int(re.search(r"total_connections_received:(\d+)", info).group(1))


def tcp_peers(pid, listening_port):
    """Ports of the TCP connections of process `pid` that are not accepted on
    `listening_port`: the connections it opened itself."""
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            match = re.fullmatch(r"socket:\[(\d+)\]", os.readlink(f"/proc/{pid}/fd/{fd}"))
        except OSError:
            continue
        if match:
            inodes.add(match.group(1))
    peers = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            next(f)
            for line in f:
                fields = line.split()
                local, remote, inode = fields[1], fields[2], fields[9]
                if inode in inodes and int(local.rsplit(":", 1)[1], 16) != listening_port:
                    peers.append(int(remote.rsplit(":", 1)[1], 16))
    return peers


class WithoutCluster(unittest.TestCase):
    def test_a_single_server_never_connects_to_redis(self):
        redis = Redis()
        self.addCleanup(redis.close)
        before = connections_received(redis)  # counts this probe too
        with Server(udp=False) as server:
            a, b = server.connect(), server.connect()
            for c, nick in ((a, "ann"), (b, "bob")):
                c.request({"type": "nick", "nick": nick})
                c.request({"type": "join", "room": "r"})
            self.assertEqual(a.request({"type": "say", "room": "r", "text": "hi"})["seq"], 1)
            stats = a.request({"type": "stats"})
            self.assertNotIn("cluster", stats)
            self.assertEqual(tcp_peers(server.proc.pid, server.tcp_port), [], "parleyd opened a connection")
        # One more connection: the INFO below.
        self.assertEqual(connections_received(redis), before + 1)
        self.assertEqual(redis.call("DBSIZE"), 0)


class Flags(unittest.TestCase):
    def test_bad_node_ids_are_refused(self):
        for bad in ("has/slash", "has space", "x" * 65):
            result = run_parleyd("--cluster", "redis://127.0.0.1:6379", "--node-id", bad, "--tcp-port", "0",
                                 "--no-udp")
            self.assertEqual(result.returncode, 2, bad)
            self.assertIn("--node-id", result.stderr)

    def test_node_id_needs_cluster(self):
        self.assertEqual(run_parleyd("--node-id", "n1", "--tcp-port", "0", "--no-udp").returncode, 2)

    def test_bad_urls_are_refused(self):
        for bad in ("http://127.0.0.1:6379", "redis://127.0.0.1:0", "redis://:6379"):
            result = run_parleyd("--cluster", bad, "--tcp-port", "0", "--no-udp")
            self.assertEqual(result.returncode, 2, bad)

    def test_unreachable_redis_ends_start_up_with_status_1(self):
        port = free_port()  # nobody listens there
        result = run_parleyd("--cluster", f"redis://127.0.0.1:{port}", "--tcp-port", "0", "--no-udp", timeout=20)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertEqual(result.stdout, "", "no ready line without Redis")
        self.assertIn(f"redis://127.0.0.1:{port}", result.stderr)


if __name__ == "__main__":
    main()
