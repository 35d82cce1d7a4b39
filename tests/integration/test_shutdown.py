"""Admin shutdown: token from the flag or the environment, forbidden
otherwise, and what everyone sees when it happens."""
from support import ServerTestCase, main, match


class AdminTestCase(ServerTestCase):
    def assertRefused(self, token, server=None):
        client = (server or self.server).connect()
        self.error(client, "forbidden", "shutdown", token=token)
        self.ok(client, "ping")  # nothing else happened
        client.close()

    def assertShutsDown(self, token, server=None):
        server = server or self.server
        requester = server.connect()
        bystander = self.user("bystander", "r", server=server)
        reply = self.ok(requester, "shutdown", token=token, id="s")
        self.assertEqual(reply["id"], "s")
        self.assertEqual(requester.events, [], "the ok comes before the shutdown event")
        for client in (requester, bystander):
            event = client.wait_event(match("shutdown"))
            self.assertEqual(event, {"type": "shutdown", "reason": "admin"})
            client.expect_closed()
        self.assertExitsByItself(server)


class NoToken(AdminTestCase):
    def test_forbidden_whatever_the_token(self):
        for token in ["", "guess", "admin"]:
            self.assertRefused(token)

    def test_missing_or_mistyped_token_is_bad_request(self):
        client = self.server.connect()
        self.error(client, "bad_request", "shutdown")
        self.error(client, "bad_request", "shutdown", token=None)
        self.error(client, "bad_request", "shutdown", token=["s3cret"])


class FlagToken(AdminTestCase):
    server_args = ("--admin-token", "s3cret")

    def test_wrong_tokens_are_forbidden(self):
        for token in ["", "s3cre", "s3cret ", "S3CRET", "s3cretX"]:
            self.assertRefused(token)

    def test_right_token_shuts_down_for_everyone(self):
        self.assertShutsDown("s3cret")

    def test_frames_after_the_drain_starts_are_not_executed(self):
        requester = self.server.connect()
        late = self.user("late", "r")
        witness = self.user("witness", "r")
        self.settle(late, witness)
        self.ok(requester, "shutdown", token="s3cret")
        late.wait_event(match("shutdown"))
        try:
            late.send_raw(b'{"type":"say","room":"r","text":"too late"}\n'
                          b'{"type":"echo","text":"too late"}\n')
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.assertEqual(late.expect_closed(), b"")
        witness.wait_event(match("shutdown"))
        self.assertNotIn(b"too late", witness.expect_closed())
        self.assertExitsByItself()

    def test_text_mode(self):
        client = self.server.connect()
        self.text_error(client, "forbidden", "/shutdown nope")
        self.text_ok(client, "/shutdown s3cret")
        self.assertEqual(client.recv_line(), "* server shutting down")
        self.assertEqual(client.expect_closed(), b"")
        self.assertExitsByItself()


class EnvironmentToken(AdminTestCase):
    server_kwargs = {"env": {"PARLEY_ADMIN_TOKEN": "from-env"}}

    def test_environment_token_works(self):
        self.assertRefused("wrong")
        self.assertShutsDown("from-env")


class FlagBeatsEnvironment(AdminTestCase):
    server_args = ("--admin-token", "from-flag")
    server_kwargs = {"env": {"PARLEY_ADMIN_TOKEN": "from-env"}}

    def test_only_the_flag_token_works(self):
        self.assertRefused("from-env")
        self.assertShutsDown("from-flag")


class EmptyTokenMeansNone(AdminTestCase):
    server_args = ()

    def test_empty_flag(self):
        server = self.start_server("--admin-token", "")
        self.assertRefused("", server)

    def test_empty_environment(self):
        server = self.start_server(env={"PARLEY_ADMIN_TOKEN": ""})
        self.assertRefused("", server)


if __name__ == "__main__":
    main()
