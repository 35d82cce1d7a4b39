// The admin shutdown request and the drain that follows any shutdown
// (PROTOCOL.md, "Shutdown" and "Shutdown and flags").
#include <cstdlib>
#include <optional>
#include <string>

#include "doctest.hpp"
#include "fakes.hpp"

using namespace parley;
using parley::test::TestConn;
using parley::test::TestServer;
using nlohmann::json;

namespace {

ProtocolConfig with_token(std::string token) {
    ProtocolConfig c;
    c.admin_token = std::move(token);
    return c;
}

// Sets an environment variable for one scope, restoring the old state after.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const char* value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        ::setenv(name, value, 1);
    }
    ~ScopedEnv() {
        if (old_) ::setenv(name_, old_->c_str(), 1);
        else ::unsetenv(name_);
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
    const char* name_;
    std::optional<std::string> old_;
};

void expect_forbidden(TestServer& server, TestConn& conn, const std::string& request) {
    CAPTURE(request);
    conn.line(request);
    json j = conn.transport.last_json();
    CHECK(j["type"] == "error");
    CHECK(j["for"] == "shutdown");
    CHECK(j["code"] == "forbidden");
    CHECK_FALSE(server.dispatcher.draining());
    CHECK(server.lifecycle.shutdowns.empty());
}

}  // namespace

TEST_CASE("shutdown: a wrong or empty token is forbidden and nothing else happens") {
    TestServer server(with_token("s3cret"));
    TestConn a(server), b(server);
    b.transport.clear();
    for (const char* token : {"", "s3cre", "s3cret ", "S3CRET", "s3cretx", "x3cret"})
        expect_forbidden(server, a, std::string(R"({"type":"shutdown","id":1,"token":")") + token + "\"}");
    CHECK(b.transport.sent.empty());

    a.line(R"({"type":"shutdown","id":2})");
    CHECK(a.transport.last_json()["code"] == "bad_request");
    a.line("/shutdown");
    CHECK(a.transport.last_line().starts_with("! bad_request: "));
    a.line("/shutdown wrong");
    CHECK(a.transport.last_line().starts_with("! forbidden: "));
    CHECK_FALSE(server.dispatcher.draining());
}

TEST_CASE("shutdown: without an admin token nobody may shut down, whatever the environment says") {
    ScopedEnv env("PARLEY_ADMIN_TOKEN", "from-env");
    TestServer server;  // the core takes its token from the config only
    TestConn a(server);
    for (const char* token : {"", "from-env", "anything"})
        expect_forbidden(server, a, std::string(R"({"type":"shutdown","token":")") + token + "\"}");
}

TEST_CASE("shutdown: the right token gets ok, then the shutdown event like everyone else") {
    TestServer server(with_token("s3cret"));
    TestConn admin(server), json_peer(server), text_peer(server);
    text_peer.line("/ping");
    text_peer.transport.clear();
    json_peer.transport.clear();

    admin.line(R"({"type":"shutdown","token":"s3cret","id":"bye"})");
    auto lines = admin.transport.json();
    REQUIRE(lines.size() == 2);
    CHECK(lines[0] == json::parse(R"({"type":"ok","for":"shutdown","id":"bye"})"));
    CHECK(lines[1] == json::parse(R"({"type":"shutdown","reason":"admin"})"));

    CHECK(json_peer.transport.json() == std::vector<json>{json::parse(R"({"type":"shutdown","reason":"admin"})")});
    CHECK(text_peer.transport.lines() == std::vector<std::string>{"* server shutting down"});
    CHECK(server.dispatcher.draining());
    CHECK(server.lifecycle.shutdowns == std::vector<ShutdownReason>{ShutdownReason::admin});
    // Draining is not closing: the shell flushes and closes.
    CHECK(admin.transport.close_calls == 0);
}

TEST_CASE("shutdown: in text mode") {
    TestServer server(with_token("s3cret"));
    TestConn admin(server);
    admin.line("/shutdown s3cret");
    auto lines = admin.transport.lines();
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].starts_with("+ "));
    CHECK(lines[1] == "* server shutting down");
}

TEST_CASE("shutdown: frames after the request in the same read are not executed") {
    TestServer server(with_token("s3cret"));
    TestConn admin(server), peer(server);
    peer.line(R"({"type":"join","room":"lobby"})");
    admin.client.receive(
        "{\"type\":\"shutdown\",\"token\":\"s3cret\"}\n"
        "{\"type\":\"ping\",\"id\":2}\n"
        "{\"type\":\"join\",\"room\":\"lobby\"}\n");
    CHECK(admin.transport.json().size() == 2);  // the ok and the event
    CHECK(admin.client.rooms().empty());
    CHECK(server.dispatcher.registry().who("lobby").value().members.size() == 1);
}

TEST_CASE("draining: no frame is executed and only the shutdown event is delivered") {
    TestServer server;
    TestConn a(server), b(server);
    a.line(R"({"type":"join","room":"lobby"})");
    b.line(R"({"type":"join","room":"lobby"})");
    a.transport.clear();
    b.transport.clear();

    server.dispatcher.begin_shutdown(ShutdownReason::signal);
    CHECK(server.lifecycle.shutdowns == std::vector<ShutdownReason>{ShutdownReason::signal});
    CHECK(a.transport.json() == std::vector<json>{json::parse(R"({"type":"shutdown","reason":"signal"})")});
    a.transport.clear();
    b.transport.clear();

    b.line(R"({"type":"say","room":"lobby","text":"anyone?"})");
    b.line("/ping");
    CHECK(b.transport.sent.empty());
    CHECK(a.transport.sent.empty());
    CHECK(server.dispatcher.registry().history("lobby", {}, {}).value().seq == 0);

    // Events raised outside a frame (a peer going away) are not sent either.
    b.client.disconnect(LeaveReason::disconnect);
    CHECK(a.transport.sent.empty());

    // A second shutdown neither repeats the event nor calls the shell again.
    server.dispatcher.begin_shutdown(ShutdownReason::admin);
    CHECK(a.transport.sent.empty());
    CHECK(server.lifecycle.shutdowns.size() == 1);
}

TEST_CASE("draining: a connection that quit before the shutdown is not told") {
    TestServer server;
    TestConn gone(server), staying(server);
    gone.line(R"({"type":"quit"})");
    gone.transport.clear();
    server.dispatcher.begin_shutdown(ShutdownReason::signal);
    CHECK(gone.transport.sent.empty());
    CHECK(staying.transport.sent.size() == 1);
}
