// Client and Dispatcher together, driven byte by byte through a fake
// transport: modes, limits, quit, text-mode conventions and counters.
// Shutdown and draining are in test_client_shutdown.cpp.
#include <string>

#include "doctest.hpp"
#include "fakes.hpp"

using namespace parley;
using parley::test::TestConn;
using parley::test::TestServer;
using nlohmann::json;

namespace {

ProtocolConfig config_with(std::size_t max_frame = 65536, double rate = 200, double burst = 400) {
    ProtocolConfig c;
    c.max_frame = max_frame;
    c.rate = rate;
    c.burst = burst;
    return c;
}

}  // namespace

TEST_CASE("client: JSON before the first frame, then the mode of the most recent frame") {
    TestServer server;
    TestConn a(server);
    CHECK(a.client.mode() == Mode::json);
    a.client.send_notice(ErrorCode::server_full, "too many connections");
    CHECK(a.transport.last_json() == json::parse(R"({"type":"error","code":"server_full","message":"too many connections"})"));

    a.line("/ping");
    CHECK(a.client.mode() == Mode::text);
    CHECK(a.transport.last_line().starts_with("+ "));

    a.line(R"({"type":"ping","id":1})");
    CHECK(a.client.mode() == Mode::json);
    CHECK(a.transport.last_json()["id"] == 1);

    a.line(" \t{\"type\":\"ping\"}");  // first non-blank byte decides
    CHECK(a.client.mode() == Mode::json);
    a.line("not json");
    CHECK(a.client.mode() == Mode::text);
    CHECK(a.transport.last_line().starts_with("! not_in_room: "));
}

TEST_CASE("client: events go out in each recipient's current mode") {
    TestServer server;
    TestConn a(server), b(server), c(server);
    a.line("/nick alice");
    b.line(R"({"type":"nick","nick":"bob"})");
    c.line(R"({"type":"nick","nick":"carol"})");
    for (auto* conn : {&a, &b, &c}) conn->line(R"({"type":"join","room":"lobby"})");
    a.line("/ping");  // alice is back in text mode
    a.transport.clear();
    b.transport.clear();
    c.transport.clear();

    b.line(R"({"type":"say","room":"lobby","text":"hi"})");
    CHECK(a.transport.lines() == std::vector<std::string>{"[lobby] bob: hi"});
    json j = c.transport.last_json();
    CHECK(j["type"] == "message");
    CHECK(j["from"] == "bob");
    CHECK(j["seq"] == 1);
    // Serialised once per mode: the second JSON recipient shares the frame.
    TestConn d(server);
    d.line(R"({"type":"join","room":"lobby"})");
    c.transport.clear();
    d.transport.clear();
    b.line(R"({"type":"say","room":"lobby","text":"again"})");
    REQUIRE(c.transport.sent.size() == 1);
    REQUIRE(d.transport.sent.size() == 1);
    CHECK(c.transport.sent[0].get() == d.transport.sent[0].get());
}

TEST_CASE("client: every request gets one reply, in request order, however the bytes arrive") {
    TestServer server;
    TestConn a(server);
    const std::string batch =
        "{\"type\":\"ping\",\"id\":1}\n"
        "{\"type\":\"join\",\"room\":\"r\",\"id\":2}\r\n"
        "\n"
        "{\"type\":\"dance\",\"id\":3}\n"
        "{\"type\":\"echo\",\"text\":\"x\",\"id\":4}\n"
        "{\"type\":\"say\",\"room\":\"r\",\"text\":\"\",\"id\":5}\n";
    SUBCASE("one read") { a.client.receive(batch); }
    SUBCASE("one byte per read") {
        for (char ch : batch) a.client.receive(std::string(1, ch));
    }
    auto replies = a.transport.json();
    REQUIRE(replies.size() == 5);
    for (int i = 0; i < 5; ++i) CHECK(replies[static_cast<std::size_t>(i)]["id"] == i + 1);
    CHECK(replies[2]["code"] == "unknown_type");
    CHECK(replies[4]["code"] == "bad_request");
}

TEST_CASE("client: an over-long line is answered in the current mode and does not change it") {
    TestServer server(config_with(32));
    TestConn a(server);
    const std::string longer(40, '{');

    a.line("/ping");
    a.line(longer);
    CHECK(a.client.mode() == Mode::text);
    CHECK(a.transport.last_line().starts_with("! frame_too_large: "));

    a.line(R"({"type":"ping"})");
    a.line("/" + longer);
    CHECK(a.client.mode() == Mode::json);
    json j = a.transport.last_json();
    CHECK(j["code"] == "frame_too_large");
    CHECK_FALSE(j.contains("for"));
    CHECK(a.transport.limits_hit == std::vector<ErrorCode>{ErrorCode::frame_too_large, ErrorCode::frame_too_large});

    // Input held never grows past a frame, and the line after is read normally.
    a.transport.clear();
    a.client.receive(std::string(100000, 'z'));
    CHECK(a.client.buffered_input() <= 33);
    a.client.receive("zzz\n{\"type\":\"echo\",\"text\":\"ok\"}\n");
    auto lines = a.transport.json();
    REQUIRE(lines.size() == 2);
    CHECK(lines[0]["code"] == "frame_too_large");
    CHECK(lines[1]["text"] == "ok");
}

TEST_CASE("client: invalid UTF-8 is bad_json in both modes") {
    TestServer server;
    TestConn a(server);
    a.line("/echo caf\xc3");
    CHECK(a.client.mode() == Mode::text);
    CHECK(a.transport.last_line().starts_with("! bad_json: "));

    for (const char* bad : {"\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xff"}) {
        CAPTURE(std::string(bad));
        a.line(std::string(R"({"type":"echo","id":1,"text":")") + bad + "\"}");
        json j = a.transport.last_json();
        CHECK(j["code"] == "bad_json");
        CHECK_FALSE(j.contains("id"));
    }
    a.line(R"({"type":"echo","text":"\ud800"})");
    CHECK(a.transport.last_json()["code"] == "bad_json");
    a.line("plain \xe2\x82");
    CHECK(a.transport.last_line().starts_with("! bad_json: "));
}

TEST_CASE("client: the rate limit allows a burst, then answers rate_limited without executing") {
    TestServer server(config_with(65536, 10, 3));
    TestConn a(server);
    for (int i = 0; i < 3; ++i) a.line(R"({"type":"ping"})");
    a.line(R"({"type":"join","room":"r","id":"j4"})");
    json j = a.transport.last_json();
    CHECK(j["type"] == "error");
    CHECK(j["code"] == "rate_limited");
    CHECK(j["for"] == "join");
    CHECK(j["id"] == "j4");
    CHECK(j["retry_after_ms"] == 100);
    CHECK(a.client.rooms().empty());  // not executed
    CHECK(a.transport.limits_hit == std::vector<ErrorCode>{ErrorCode::rate_limited});

    a.line(R"({"type":"dance","id":5})");
    CHECK(a.transport.last_json()["for"] == "dance");
    CHECK(a.transport.last_json()["code"] == "rate_limited");
    a.line("/join r");
    CHECK(a.transport.last_line().starts_with("! rate_limited: "));

    server.clock.advance(100);
    a.line(R"({"type":"join","room":"r","id":"j5"})");
    CHECK(a.transport.last_json()["type"] == "ok");
    CHECK(a.client.rooms().size() == 1);
}

TEST_CASE("client: --rate 0 turns the limit off") {
    TestServer server(config_with(65536, 0, 1));
    TestConn a(server);
    std::string many;
    for (int i = 0; i < 1000; ++i) many += "{\"type\":\"ping\"}\n";
    a.client.receive(many);
    auto replies = a.transport.json();
    REQUIRE(replies.size() == 1000);
    CHECK(replies.back()["type"] == "ok");
}

TEST_CASE("client: quit is answered, then the connection closes and later frames are dropped") {
    TestServer server;
    TestConn a(server), b(server);
    a.line(R"({"type":"join","room":"lobby"})");
    b.line(R"({"type":"join","room":"lobby"})");
    b.transport.clear();
    const std::string nick = a.client.nick();

    a.client.receive("{\"type\":\"quit\",\"id\":\"q\"}\n{\"type\":\"ping\",\"id\":2}\n{\"type\":\"join\",\"room\":\"x\"}\n");
    auto lines = a.transport.json();
    CHECK(lines.back() == json::parse(R"({"type":"ok","for":"quit","id":"q"})"));
    CHECK(a.transport.close_calls == 1);
    CHECK(a.transport.sent_before_close == a.transport.sent.size());
    CHECK(a.client.quitting());
    json left = b.transport.last_json();
    CHECK(left == json{{"type", "left"}, {"room", "lobby"}, {"nick", nick}, {"reason", "quit"}});

    const auto sent = a.transport.sent.size();
    a.line(R"({"type":"ping"})");
    b.line(R"({"type":"say","room":"lobby","text":"still there?"})");
    CHECK(a.transport.sent.size() == sent);
    b.line(R"({"type":"msg","to":")" + nick + R"(","text":"hello?"})");
    CHECK(b.transport.last_json()["code"] == "no_such_nick");
}

TEST_CASE("client: /quit in text mode") {
    TestServer server;
    TestConn a(server);
    a.client.receive("/quit\n/ping\n");
    CHECK(a.transport.lines().size() == 1);
    CHECK(a.transport.last_line().starts_with("+ "));
    CHECK(a.transport.close_calls == 1);
}

TEST_CASE("client: a said line gets no reply on success, `! not_in_room` without a room") {
    TestServer server;
    TestConn a(server), b(server);
    a.line("hello?");
    CHECK(a.transport.lines().size() == 1);
    CHECK(a.transport.last_line().starts_with("! not_in_room: "));
    a.line("/leave");
    CHECK(a.transport.last_line().starts_with("! not_in_room: "));

    a.line("/nick alice");
    a.line("/join one");
    a.line("/join two");
    b.line("/join one");
    b.line("/join two");
    a.transport.clear();
    b.transport.clear();

    a.line("in two");  // the most recently joined room
    CHECK(a.transport.sent.empty());
    CHECK(b.transport.lines() == std::vector<std::string>{"[two] alice: in two"});

    a.line("/join one");  // already a member: it becomes current
    a.line("//slash in one");
    CHECK(b.transport.last_line() == "[one] alice: /slash in one");
    CHECK(a.transport.lines().size() == 1);  // only the /join reply

    a.line("/leave");
    CHECK(a.transport.last_line().starts_with("+ "));
    a.line("back in two");
    CHECK(b.transport.last_line() == "[two] alice: back in two");
}

TEST_CASE("client: text /history and /who default to the current room") {
    TestServer server;
    TestConn a(server);
    a.line("/join lobby");
    a.line("one");
    a.line("two");
    a.transport.clear();
    a.line("/history");
    auto lines = a.transport.lines();
    REQUIRE(lines.size() == 3);
    CHECK(lines[0] == "[lobby] " + a.client.nick() + ": one");
    CHECK(lines[1] == "[lobby] " + a.client.nick() + ": two");
    CHECK(lines[2].starts_with("+ "));
    a.line("/history 1");
    CHECK(a.transport.lines().size() == 5);
    a.line("/who");
    CHECK(a.transport.last_line().starts_with("+ "));
    CHECK(a.transport.last_line().find(a.client.nick()) != std::string::npos);
}

TEST_CASE("client: hello, nick and who report names") {
    TestServer server;
    TestConn a(server);
    a.line(R"({"type":"hello"})");
    json j = a.transport.last_json();
    CHECK(j["nick"] == a.client.nick());
    CHECK(j["protocol"] == 1);
    a.line(R"({"type":"nick","nick":"Zoe"})");
    CHECK(a.transport.last_json()["nick"] == "Zoe");
    a.line(R"({"type":"hello"})");
    CHECK(a.transport.last_json()["nick"] == "Zoe");
}

TEST_CASE("client: disconnect and destruction tell the rooms") {
    TestServer server;
    TestConn b(server);
    b.line(R"({"type":"join","room":"lobby"})");
    {
        TestConn a(server);
        a.line(R"({"type":"join","room":"lobby"})");
        b.transport.clear();
    }
    CHECK(b.transport.last_json()["reason"] == "disconnect");
    CHECK(server.dispatcher.registry().participant_count() == 1);
}

TEST_CASE("client: counters and stats") {
    TestServer server;
    TestConn a(server), b(server);
    auto& counters = server.dispatcher.counters();
    a.client.receive("{\"type\":\"join\",\"room\":\"r\"}\n\n  \n/ping\n");
    CHECK(counters.frames_in == 2);  // blank lines are not frames
    CHECK(counters.frames_out == 2);
    b.line(R"({"type":"join","room":"r"})");
    CHECK(counters.frames_out == 4);  // b's reply and a's joined event
    a.line("/history");
    CHECK(counters.frames_out == 5);
    b.line(R"({"type":"say","room":"r","text":"x"})");
    a.line("/history");
    CHECK(counters.frames_out == 9);  // say ok + message event + two history lines

    server.clock.advance(61'500);
    b.line(R"({"type":"stats"})");
    json s = b.transport.last_json();
    CHECK(s["connections"] == 2);
    CHECK(s["rooms"] == 1);
    CHECK(s["uptime_s"] == 61);
    CHECK(s["frames_in"].get<std::uint64_t>() >= 6);
    CHECK(s["frames_out"].get<std::uint64_t>() >= 9);
    for (const char* key : {"bytes_in", "bytes_out", "udp_datagrams"}) CHECK(s[key].is_number_unsigned());
}

TEST_CASE("client: --log-messages reports said and private messages only when on") {
    for (bool on : {false, true}) {
        ProtocolConfig config;
        config.log_messages = on;
        TestServer server(config);
        TestConn a(server), b(server);
        a.line("/nick alice");
        b.line("/nick bob");
        a.line("/join lobby");
        a.line("hello room");
        a.line("/msg bob hello bob");
        if (!on) {
            CHECK(server.lifecycle.logged.empty());
            continue;
        }
        REQUIRE(server.lifecycle.logged.size() == 2);
        CHECK(server.lifecycle.logged[0].from == "alice");
        CHECK(server.lifecycle.logged[0].where == "lobby");
        CHECK(server.lifecycle.logged[0].text == "hello room");
        CHECK(server.lifecycle.logged[1].where.find("bob") != std::string::npos);
        CHECK(server.lifecycle.logged[1].text == "hello bob");
    }
}

TEST_CASE("client: --log-messages leaves out messages that were refused") {
    ProtocolConfig config;
    config.log_messages = true;
    TestServer server(config);
    TestConn a(server);
    a.line("said to no room");
    a.line(R"({"type":"say","room":"elsewhere","text":"not a member"})");
    a.line("/msg nobody lost");
    CHECK(server.lifecycle.logged.empty());
}
