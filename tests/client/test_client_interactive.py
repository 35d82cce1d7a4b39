"""The interactive client, on a pseudo-terminal (line editing, prompt, lines
arriving while someone types) and on plain pipes (scripts)."""
import os
import re
import signal
import termios

from client_support import (ClientTestCase, Proxy, PtySession, free_port, main, match,
                            run_parley)

ESC = b"\x1b"
SGR = re.compile(rb"\x1b\[[0-9;]*m")


class PtyTestCase(ClientTestCase):
    def pty(self, *args, env=None):
        session = PtySession(*args, env=env)
        self.addCleanup(session.close)
        return session

    def start(self, nick, room="lobby", env=None, port=None):
        session = self.pty("--port", port or self.server.tcp_port, "--udp-port",
                           self.server.udp_port, "--nick", nick, "--room", room, env=env)
        session.expect("connected to ")
        session.expect(f"@{room}> ")  # the nick may be coloured
        return session


class TypingTest(PtyTestCase):
    def test_an_incoming_line_does_not_garble_the_line_being_typed(self):
        bob = self.user("bob", "lobby")
        alice = self.start("alice")
        bob.wait_event(match("joined", nick="alice"))

        alice.type("hello wor")
        typed = alice.expect("alice@lobby> hello wor")
        self.ok(bob, {"type": "say", "room": "lobby", "text": "interrupting!"})
        shown = alice.expect("<bob> interrupting!", start=typed)

        # The screen update, byte for byte: back to the start of the input
        # line, clear it, print the incoming line, redraw prompt and input.
        update = alice.output[typed:shown]
        self.assertTrue(update.startswith(b"\r\x1b[J"), update)
        redraw = alice.expect("\r\nalice@lobby> hello wor", start=shown)
        self.assertNotIn(b"interrupting", alice.output[shown:redraw])

        # Finishing the line sends exactly what was typed, in two parts.
        alice.type("ld\r")
        said = bob.wait_event(match("message", room="lobby"))
        self.assertEqual((said["from"], said["text"]), ("alice", "hello world"))
        # The own line comes back formatted and marked.
        alice.expect("<alice (me)> hello world", start=redraw)

    def test_two_people_chat(self):
        alice = self.start("alice")
        bob = self.start("bob")
        alice.expect("bob joined lobby")
        alice.type("hi bob\r")
        bob.expect("<alice> hi bob")
        bob.type("hi alice\r")
        alice.expect("<bob> hi alice")
        bob.type("/quit\r")
        self.assertEqual(bob.wait_exit(), 0)
        alice.expect("bob left lobby (quit)")
        alice.type("\x04")  # Ctrl-D on an empty line quits too
        self.assertEqual(alice.wait_exit(), 0)

    def test_prompt_follows_nick_and_room(self):
        alice = self.start("alice")
        at = len(alice.output)
        alice.type("/join other\r")
        at = alice.expect("alice@other> ", start=at)
        alice.expect("you joined other", start=at)
        alice.type("/switch lobby\r")
        at = alice.expect("alice@lobby> ", start=at)
        alice.type("/nick alicia\r")
        at = alice.expect("alicia@lobby> ", start=at)
        alice.type("/switch nowhere\r")
        alice.expect("you are not in nowhere", start=at)
        alice.type("/leave lobby\r")
        alice.expect("alicia@other> ", start=at)

    def test_history_arrow_recalls_the_previous_line(self):
        bob = self.user("bob", "lobby")
        alice = self.start("alice")
        alice.type("first line\r")
        bob.wait_event(match("message", text="first line"))
        at = len(alice.output)
        alice.type("\x1b[A")  # up arrow
        alice.expect("first line", start=at)
        alice.type(" again\r")
        bob.wait_event(match("message", text="first line again"))


    def test_resuming_after_a_stop_restores_the_editor(self):
        bob = self.user("bob", "lobby")
        alice = self.start("alice")
        alice.type("abc")
        at = alice.expect("alice@lobby> abc")
        # What a shell does around Ctrl-Z and fg: stop, its own tty modes, continue.
        os.kill(alice.pid, signal.SIGSTOP)
        attrs = termios.tcgetattr(alice.fd)
        attrs[3] |= termios.ICANON | termios.ECHO
        termios.tcsetattr(alice.fd, termios.TCSANOW, attrs)
        os.kill(alice.pid, signal.SIGCONT)
        at = alice.expect("\r\x1b[Jalice@lobby> abc", start=at)
        alice.type("def\r")
        self.assertEqual(bob.wait_event(match("message"))["text"], "abcdef")
        self.assertNotIn(b"dd", alice.output[at:])


    def test_tab_completes_commands_and_nicks(self):
        bob = self.user("bobby", "lobby")
        alice = self.start("alice")
        at = len(alice.output)
        alice.type("/s\t")  # two candidates: listed above the input line
        at = alice.expect("\r\x1b[J/stats  /switch\r\nalice@lobby> /s", start=at)
        alice.type("\x15/jo\t")  # Ctrl-U empties the line first
        at = alice.expect("alice@lobby> /join ", start=at)
        alice.type("other\r")
        at = alice.expect("alice@other> ", start=at)
        alice.type("/switch lobby\r")
        at = alice.expect("alice@lobby> ", start=at)
        alice.type("hi bo\t")  # bobby was in lobby when alice joined
        at = alice.expect("hi bobby ", start=at)
        alice.type("!\r")
        self.assertEqual(bob.wait_event(match("message"))["text"], "hi bobby !")


class ColourTest(PtyTestCase):
    def test_colours_on_a_terminal_none_with_no_color(self):
        coloured = self.start("alice", env={"NO_COLOR": None})
        coloured.type("/frobnicate\r")
        coloured.expect(b"\x1b[31m! unknown command /frobnicate")
        self.assertTrue(SGR.search(coloured.output))

        plain = self.start("bob")
        plain.type("/frobnicate\r")
        plain.expect("! unknown command /frobnicate")
        self.assertIsNone(SGR.search(plain.output), plain.output)


class EndingsTest(PtyTestCase):
    def test_quit_ends_with_fin(self):
        with Proxy(self.server.tcp_port) as proxy:
            watcher = self.user("w", "lobby")
            alice = self.start("alice", port=proxy.port)
            alice.type("/quit\r")
            self.assertEqual(alice.wait_exit(), 0)
            self.assertEqual(proxy.wait_ending(), "eof")
            watcher.wait_event(match("left", nick="alice", reason="quit"))

    def test_abort_ends_with_rst(self):
        with Proxy(self.server.tcp_port) as proxy:
            watcher = self.user("w", "lobby")
            alice = self.start("alice", port=proxy.port)
            alice.type("/abort\r")
            self.assertEqual(alice.wait_exit(), 0)
            self.assertEqual(proxy.wait_ending(), "reset")
            watcher.wait_event(match("left", nick="alice", reason="disconnect"))

    def test_no_server_one_line_and_status_one(self):
        port = free_port()
        session = self.pty("--port", port, "--nick", "a")
        self.assertEqual(session.wait_exit(), 1)
        self.assertEqual(session.output.decode().strip(),
                         f"parley: cannot reach server at 127.0.0.1:{port}: connection refused")


class InteractiveReconnectTest(PtyTestCase):
    def test_lost_connection_is_announced_and_repaired(self):
        with Proxy(self.server.tcp_port) as proxy:
            bob = self.user("bob", "lobby")
            alice = self.start("alice", port=proxy.port)
            bob.wait_event(match("joined", nick="alice"))
            self.ok(bob, {"type": "say", "room": "lobby", "text": "before"})
            at = alice.expect("<bob> before")
            proxy.cut(block=True)
            at = alice.expect("connection closed by the server", start=at)
            alice.expect("(offline) alice@lobby> ", start=at)
            bob.wait_event(match("left", nick="alice"))
            for i in range(3):
                self.ok(bob, {"type": "say", "room": "lobby", "text": f"missed {i}"})
            proxy.unblock()
            at = alice.expect("reconnected", start=at, timeout=15)
            for i in range(3):
                at = alice.expect(f"<bob> missed {i}", start=at)
            alice.expect("\nalice@lobby> ", start=at)
            self.assertEqual(alice.output.count(b"<bob> missed 0"), 1)
            alice.type("back\r")
            self.assertEqual(bob.wait_event(match("message", text="back"))["from"], "alice")


class ScriptedTest(ClientTestCase):
    """stdin and stdout not a terminal: plain lines in, plain lines out."""

    def test_a_script_of_commands(self):
        bob = self.user("bob", "r")
        script = "\n".join([
            "/join r", "hello from a script", "/who", "/rooms", "/echo back", "/ping",
            "/stats", "/history r 1", "/msg bob private words", "/udp datagram",
            "/nick scripted", "//slash", "/leave", "/frobnicate", "/help", "/quit", ""])
        result = run_parley("--nick", "a", *self.conn_args(), stdin_text=script)
        self.assertEqual(result.returncode, 0, result.stderr)
        out = result.stdout
        self.assertNotIn("\x1b", out)
        self.assertEqual(bob.wait_event(match("message", room="r"))["text"], "hello from a script")
        self.assertRegex(out, r"\d\d:\d\d:\d\d \[r\] <a \(me\)> hello from a script\n")
        self.assertIn("members of r: a, bob\n", out)
        self.assertIn("rooms: r (2)\n", out)
        self.assertIn("\nback\n", out)
        self.assertRegex(out, r"pong from the server in \d+\.\d{3} ms\n")
        self.assertRegex(out, r"connections=\d+ +rooms=1")
        self.assertIn("end of history of r (1 message)", out)
        self.assertEqual(bob.wait_event(match("private"))["text"], "private words")
        # Both clocks are server timestamps taken moments apart.
        said_at = re.search(r"(\d\d):(\d\d):(\d\d) \[r\] <a", out).groups()
        pm_at = re.search(r"(\d\d):(\d\d):(\d\d) \(pm\) -> <bob> private words\n", out).groups()
        seconds = [int(h) * 3600 + int(m) * 60 + int(s) for h, m, s in (said_at, pm_at)]
        self.assertLess((seconds[1] - seconds[0]) % 86400, 60, (said_at, pm_at))
        self.assertRegex(out, rf"udp echo from 127\.0\.0\.1:{self.server.udp_port} in [\d.]+ ms: datagram\n")
        self.assertIn("you are now scripted", out)
        self.assertEqual(bob.wait_event(match("message", text="/slash"))["from"], "scripted")
        self.assertIn("you left r", out)
        self.assertIn("! unknown command /frobnicate (try /help)", out)
        self.assertIn("/switch ROOM", out)
        bob.wait_event(match("left", room="r", nick="scripted", reason="leave"))

    def test_end_of_input_quits_after_the_last_reply(self):
        bob = self.user("bob", "r")
        result = run_parley("--room", "r", *self.conn_args(), stdin_text="one\ntwo\n")
        self.assertEqual(result.returncode, 0, result.stderr)
        texts = [bob.wait_event(match("message"))["text"] for _ in range(2)]
        self.assertEqual(texts, ["one", "two"])
        bob.wait_event(match("left", reason="quit"))

    def test_saying_outside_any_room_is_explained(self):
        result = run_parley(*self.conn_args(), stdin_text="hello?\n")
        self.assertEqual(result.returncode, 0)
        self.assertIn("! you are in no room; /join ROOM first", result.stdout)


if __name__ == "__main__":
    main()
