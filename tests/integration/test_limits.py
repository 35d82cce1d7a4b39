"""Connection limits: --max-clients, --rate/--burst and --idle-timeout."""
import time

from support import ServerTestCase, main, match


class MaxClients(ServerTestCase):
    server_args = ("--max-clients", 2)

    def assertTurnedAway(self):
        extra = self.server.connect()
        reply = extra.recv_json()
        self.assertEqual((reply["type"], reply["code"]), ("error", "server_full"))
        self.assertIsInstance(reply["message"], str)
        extra.expect_closed()

    def test_extra_connection_gets_server_full_and_the_others_are_untouched(self):
        first = self.user("first", "r")
        second = self.user("second", "r")
        self.settle(first, second)
        self.assertTurnedAway()
        self.assertTurnedAway()
        self.assertQuiet(first)
        self.ok(second, "say", room="r", text="still here")
        self.assertEqual(first.wait_event(match("message"))["text"], "still here")
        self.assertEqual(self.ok(first, "stats")["connections"], 2)

    def test_refusals_are_logged_at_most_once_a_second(self):
        self.user("first")
        self.user("second")
        started = time.monotonic()
        for _ in range(30):
            self.assertTurnedAway()
        elapsed = time.monotonic() - started
        lines = [line for line in self.server.stderr_text().splitlines()
                 if "connection refused: --max-clients (2) reached" in line]
        self.assertGreaterEqual(len(lines), 1)
        self.assertLessEqual(len(lines), 1 + int(elapsed), lines)
        self.assertIn("(1 refused since the last such line)", lines[0])

    def test_a_freed_slot_can_be_used_again(self):
        first = self.user("first")
        watcher = self.user("watcher", "r")
        self.assertTurnedAway()
        self.ok(first, "quit")
        first.expect_closed()
        # the slot is free once the server has noticed; its stats say so
        for _ in range(100):
            if self.ok(watcher, "stats")["connections"] == 1:
                break
        else:
            self.fail("the quit connection is still counted")
        self.ok(self.server.connect(), "ping")


class DefaultMaxClients(ServerTestCase):
    """Without --max-clients the open-file limit decides, less a reserve, and
    the server turns extra clients away instead of failing to accept."""

    server_args = ("--rate", 0)
    server_kwargs = {"nofile": 128}

    def test_open_file_limit_bounds_the_clients(self):
        accepted = []
        for _ in range(128):
            client = self.server.connect()
            reply = client.request({"type": "ping"})
            if reply["type"] == "error":
                self.assertEqual(reply["code"], "server_full")
                client.expect_closed()
                break
            accepted.append(client)
        else:
            self.fail("128 clients accepted with 128 descriptors")
        self.assertGreaterEqual(len(accepted), 64, "the reserve should be small")
        for client in accepted:
            self.ok(client, "ping")
        self.assertEqual(self.ok(accepted[0], "stats")["connections"], len(accepted))


class RateLimit(ServerTestCase):
    server_args = ("--rate", 1, "--burst", 3)

    def test_bucket_starts_full_then_rate_limited_with_retry_after(self):
        client = self.server.connect()
        client.send_raw(b"".join(b'{"type":"ping","id":%d}\n' % i for i in range(6)))
        replies = [client.recv_json() for _ in range(6)]
        self.assertEqual([r["type"] for r in replies[:3]], ["ok"] * 3, replies)
        for i, reply in enumerate(replies[3:], start=3):
            self.assertEqual((reply["type"], reply["code"], reply["for"], reply["id"]),
                             ("error", "rate_limited", "ping", i))
            self.assertIsInstance(reply["retry_after_ms"], int)
            self.assertGreater(reply["retry_after_ms"], 0)
            self.assertLessEqual(reply["retry_after_ms"], 1000)

    def test_limited_frames_are_not_executed_and_retry_after_is_honest(self):
        speaker = self.user("speaker", "r")
        listener = self.user("listener", "r")
        speaker.send_raw(b"".join(b'{"type":"say","room":"r","text":"t%d"}\n' % i
                                  for i in range(5)))
        replies = [speaker.recv_reply() for _ in range(5)]
        executed = [f"t{i}" for i, r in enumerate(replies) if r["type"] == "ok"]
        limited = [r for r in replies if r.get("code") == "rate_limited"]
        self.assertEqual(len(executed) + len(limited), 5, replies)
        self.assertTrue(limited, replies)
        heard = [listener.wait_event(match("message"))["text"] for _ in executed]
        self.assertEqual(heard, executed)
        self.assertQuiet(listener)
        # The server's own word on when to come back is what is under test.
        time.sleep(limited[-1]["retry_after_ms"] / 1000)
        self.ok(speaker, "say", room="r", text="later")
        self.assertEqual(listener.wait_event(match("message"))["text"], "later")

    def test_text_mode_gets_rate_limited_lines(self):
        client = self.server.connect()
        client.send_raw(b"/ping\n" * 4)
        lines = [client.recv_line() for _ in range(4)]
        self.assertTrue(all(l.startswith("+ ") for l in lines[:3]), lines)
        self.assertTrue(lines[3].startswith("! rate_limited:"), lines)


class RateCountsFramesOnly(ServerTestCase):
    server_args = ("--rate", 1, "--burst", 2)

    def test_blank_lines_cost_nothing(self):
        client = self.server.connect()
        client.send_raw(b"\n \r\n\t\n" * 100 + b'{"type":"ping"}\n' * 2)
        self.assertEqual([client.recv_json()["type"] for _ in range(2)], ["ok", "ok"])


class RateLimitOff(ServerTestCase):
    server_args = ("--rate", 0, "--burst", 1)

    def test_rate_zero_turns_it_off(self):
        client = self.server.connect()
        client.send_raw(b'{"type":"ping"}\n' * 2000)
        self.assertEqual({client.recv_json()["type"] for _ in range(2000)}, {"ok"})


class DefaultRate(ServerTestCase):
    def test_default_burst_is_400(self):
        client = self.server.connect()
        client.send_raw(b'{"type":"ping"}\n' * 600)
        types = [client.recv_json().get("code", "ok") for _ in range(600)]
        self.assertTrue(all(t == "ok" for t in types[:400]), types[:400])
        self.assertIn("rate_limited", types[400:])


class IdleTimeout(ServerTestCase):
    server_args = ("--idle-timeout", 1)

    def test_silent_connection_is_closed(self):
        started = time.monotonic()
        client = self.server.connect()
        client.expect_closed(timeout=10)
        self.assertGreaterEqual(time.monotonic() - started, 0.9)

    def test_any_byte_restarts_the_timer(self):
        client = self.server.connect()
        frame = b'{"type":"ping","id":"alive"}\n'
        started = time.monotonic()
        chunks = [frame[at:at + 4] for at in range(0, len(frame), 4)]
        for chunk in chunks[:-1]:
            client.send_raw(chunk)
            time.sleep(0.25)   # pacing, not synchronisation: outlast the timeout
        client.send_raw(chunks[-1])
        self.assertGreater(time.monotonic() - started, 1.5)
        self.assertEqual(client.recv_json()["id"], "alive")


if __name__ == "__main__":
    main()
