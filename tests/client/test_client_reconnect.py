"""Connection loss: `parley listen` (and the interactive client, which shares
the session code) reconnects with backoff, takes its nick back, rejoins its
rooms and fetches what was said meanwhile with `history since`, so every
message arrives exactly once and in order. The connection is cut with a TCP
proxy between client and server that the test controls."""
import json

from client_support import Background, ClientTestCase, Proxy, Server, main, match


class ReconnectTest(ClientTestCase):
    server_args = ("--history", "200")

    def start_listener(self, proxy, *extra):
        listener = Background("listen", "--port", proxy.port, "--nick", "lis",
                              "--room", "r", "--json", *extra)
        self.addCleanup(listener.close)
        return listener

    def read_message(self, listener):
        frame = json.loads(listener.read_line())
        self.assertEqual(frame.get("type"), "message", frame)
        return frame

    def say(self, client, text):
        return self.ok(client, {"type": "say", "room": "r", "text": text})

    def test_messages_said_while_disconnected_arrive_once_in_order(self):
        with Proxy(self.server.tcp_port) as proxy:
            speaker = self.user("speaker", "r")
            listener = self.start_listener(proxy)
            speaker.wait_event(match("joined", room="r", nick="lis"))

            sent = []
            for i in range(3):
                sent.append(f"before {i}")
                self.say(speaker, sent[-1])
            for text in sent:
                self.assertEqual(self.read_message(listener)["text"], text)

            # Cut, and keep the client out until the server has seen it go.
            proxy.cut(block=True)
            speaker.wait_event(match("left", room="r", nick="lis"))
            missed = [f"while away {i}" for i in range(25)]
            for text in missed:
                self.say(speaker, text)
            listener.wait_stderr(r"reconnecting in")
            proxy.unblock()

            # Back: the nick is restored (the server tells the room) ...
            speaker.wait_event(match("joined", room="r", nick="lis"), timeout=15)
            after = [f"after {i}" for i in range(3)]
            for text in after:
                self.say(speaker, text)

            got = [self.read_message(listener) for _ in missed + after]
            self.assertEqual([m["text"] for m in got], missed + after)
            self.assertTrue(all(m["from"] == "speaker" and m["room"] == "r" for m in got))
            seqs = [m["seq"] for m in got]
            self.assertEqual(seqs, sorted(set(seqs)), "duplicates or out of order")

            # ... and nothing else is pending: a last message is the next line.
            self.say(speaker, "last")
            self.assertEqual(self.read_message(listener)["text"], "last")
            self.assertEqual(listener.stop(), 0)
            self.assertGreaterEqual(proxy.accepted, 2)
            self.assertIn("reconnected", listener.stderr_text())

    def test_repeated_cuts_lose_nothing(self):
        with Proxy(self.server.tcp_port) as proxy:
            speaker = self.user("speaker", "r")
            listener = self.start_listener(proxy)
            speaker.wait_event(match("joined", room="r", nick="lis"))
            self.say(speaker, "ready?")
            self.assertEqual(self.read_message(listener)["text"], "ready?")
            expected = []
            for round_ in range(3):
                proxy.cut(block=True)
                speaker.wait_event(match("left", room="r", nick="lis"))
                for i in range(4):
                    expected.append(f"round {round_} msg {i}")
                    self.say(speaker, expected[-1])
                proxy.unblock()
                speaker.wait_event(match("joined", room="r", nick="lis"), timeout=20)
            got = [self.read_message(listener)["text"] for _ in expected]
            self.assertEqual(got, expected)
            self.assertEqual(listener.stop(), 0)

    def test_cut_without_blocking_reconnects_at_once(self):
        with Proxy(self.server.tcp_port) as proxy:
            speaker = self.user("speaker", "r")
            listener = self.start_listener(proxy)
            speaker.wait_event(match("joined", room="r", nick="lis"))
            self.say(speaker, "ready?")
            self.assertEqual(self.read_message(listener)["text"], "ready?")
            proxy.cut()
            # Whether these land before or after the reconnect, each must show once.
            texts = [f"racing {i}" for i in range(10)]
            for text in texts:
                self.say(speaker, text)
            self.assertEqual([self.read_message(listener)["text"] for _ in texts], texts)
            self.say(speaker, "tail")
            self.assertEqual(self.read_message(listener)["text"], "tail")
            self.assertEqual(listener.stop(), 0)


class TruncatedCatchUpTest(ClientTestCase):
    server_args = ("--history", "5")

    def test_missing_messages_are_reported_as_truncated(self):
        with Proxy(self.server.tcp_port) as proxy:
            speaker = self.user("speaker", "r")
            listener = Background("listen", "--port", proxy.port, "--room", "r")
            self.addCleanup(listener.close)
            speaker.wait_event(match("joined", room="r"))
            # The listener has shown a live message, so it is fully set up.
            self.ok(speaker, {"type": "say", "room": "r", "text": "ready?"})
            self.assertTrue(listener.read_line().endswith("> ready?"))
            proxy.cut(block=True)
            speaker.wait_event(match("left", room="r"))
            for i in range(12):
                self.ok(speaker, {"type": "say", "room": "r", "text": f"m{i}"})
            proxy.unblock()
            # The server keeps the last 5: m7..m11 arrive, 7 are reported lost.
            lines = [listener.read_line(timeout=15) for _ in range(5)]
            self.assertEqual([line.split("> ", 1)[1] for line in lines],
                             [f"m{i}" for i in range(7, 12)])
            listener.wait_stderr(r"7 message\(s\) of r could not be fetched.*truncated")
            self.assertEqual(listener.stop(), 0)


class ConnectionStateTest(ClientTestCase):
    def test_losses_are_reported_on_stderr_one_line_each(self):
        with Proxy(self.server.tcp_port) as proxy:
            watcher = self.user("w", "r")
            listener = Background("listen", "--port", proxy.port, "--room", "r")
            self.addCleanup(listener.close)
            watcher.wait_event(match("joined", room="r"))
            self.ok(watcher, {"type": "say", "room": "r", "text": "ready?"})
            self.assertTrue(listener.read_line().endswith("> ready?"))
            proxy.cut()
            listener.wait_stderr(r"connection (lost|closed)")
            watcher.wait_event(match("joined", room="r"), timeout=15)
            listener.wait_stderr(r"reconnected")
            self.assertEqual(listener.stop(), 0)
            for line in listener.stderr_text().splitlines():
                self.assertTrue(line.startswith("parley: "), line)

    def test_cut_during_the_first_join_still_reconnects(self):
        with Proxy(self.server.tcp_port) as proxy:
            watcher = self.user("w", "r")
            listener = Background("listen", "--port", proxy.port, "--room", "r")
            self.addCleanup(listener.close)
            proxy.wait_accepted(1)
            proxy.cut()  # somewhere in hello/join, or just after
            watcher.wait_event(match("joined", room="r"), timeout=15)
            self.ok(watcher, {"type": "say", "room": "r", "text": "still there?"})
            self.assertTrue(listener.read_line().endswith("<w> still there?"))
            self.assertEqual(listener.stop(), 0)


class ServerRestartTest(ClientTestCase):
    def test_a_restarted_server_with_the_same_seq_is_noticed(self):
        with Proxy(self.server.tcp_port) as proxy:
            first = self.user("one", "r")
            listener = Background("listen", "--port", proxy.port, "--room", "r", "--json")
            self.addCleanup(listener.close)
            first.wait_event(match("joined", room="r"))
            self.ok(first, {"type": "say", "room": "r", "text": "on the first server"})
            self.assertEqual(json.loads(listener.read_line())["seq"], 1)

            proxy.cut(block=True)
            second_server = Server()
            self.addCleanup(second_server.__exit__, None, None, None)
            second = second_server.connect()
            self.ok(second, {"type": "join", "room": "r"})
            self.ok(second, {"type": "say", "room": "r", "text": "on the second server"})
            proxy.retarget(second_server.tcp_port)
            proxy.unblock()

            # Same room, same latest seq (1), different message: shown, not skipped.
            frame = json.loads(listener.read_line(timeout=15))
            self.assertEqual((frame["seq"], frame["text"]), (1, "on the second server"))
            listener.wait_stderr(r"server restarted\?")
            self.ok(second, {"type": "say", "room": "r", "text": "and then"})
            self.assertEqual(json.loads(listener.read_line())["text"], "and then")
            self.assertEqual(listener.stop(), 0)


class ServerShutdownTest(ClientTestCase):
    server_args = ("--admin-token", "t0k")

    def test_listener_reports_the_shutdown_and_keeps_trying(self):
        watcher = self.user("w", "r")
        listener = Background("listen", *self.conn_args(), "--room", "r")
        self.addCleanup(listener.close)
        watcher.wait_event(match("joined", room="r"))
        self.ok(watcher, {"type": "shutdown", "token": "t0k"})
        self.assertEqual(self.server.proc.wait(10), 0)
        listener.wait_stderr(r"the server is shutting down \(admin\)")
        listener.wait_stderr(r"cannot reach server at .*; reconnecting in")
        self.assertIsNone(listener.proc.poll(), "listen gave up")
        self.assertEqual(listener.stop(), 0)


if __name__ == "__main__":
    main()
