// JSON mode, encoding side: each reply and event shape of PROTOCOL.md, read
// back with an independent parser.
#include <limits>
#include <nlohmann/json.hpp>
#include <string>

#include "doctest.hpp"
#include "parley/json_codec.hpp"

using namespace parley;
using nlohmann::json;

namespace {

// Encodes, checks that the result is exactly one line, and parses it.
json parse_line(const std::string& encoded) {
    INFO("encoded: " << encoded);
    REQUIRE(!encoded.empty());
    CHECK(encoded.back() == '\n');
    CHECK(encoded.find('\n') == encoded.size() - 1);
    CHECK(encoded.find('\r') == std::string::npos);
    json j = json::parse(encoded);
    REQUIRE(j.is_object());
    return j;
}

Reply ok_reply(RequestType type, OkPayload payload, RequestId id = {}) {
    Reply r;
    r.for_type = type;
    r.for_name = std::string(to_string(type));
    r.id = std::move(id);
    r.outcome = std::move(payload);
    return r;
}

json encode_ok(RequestType type, OkPayload payload, RequestId id = {}) {
    json j = parse_line(json_codec::encode(ok_reply(type, std::move(payload), std::move(id))));
    CHECK(j["type"] == "ok");
    CHECK(j["for"] == std::string(to_string(type)));
    return j;
}

json encode_event(Event e) { return parse_line(json_codec::encode(e)); }

// A string that needs every kind of JSON escape and some raw UTF-8.
const std::string kAwkward = "q\"uote \\ back\nline\r\t\x01\x1b[2J\x7f \xc3\xa9 \xe2\x80\xa8 \xf0\x9f\x98\x80";

}  // namespace

TEST_CASE("json encode: id is echoed as a string or an integer, or left out") {
    CHECK(encode_ok(RequestType::ping, ok::Ping{1}, std::string("abc"))["id"] == "abc");
    json j = encode_ok(RequestType::ping, ok::Ping{1}, std::int64_t{42});
    CHECK(j["id"].is_number_integer());
    CHECK(j["id"] == 42);
    CHECK(encode_ok(RequestType::ping, ok::Ping{1}, std::numeric_limits<std::int64_t>::min())["id"] ==
          std::numeric_limits<std::int64_t>::min());
    CHECK(encode_ok(RequestType::ping, ok::Ping{1}, std::string("7"))["id"].is_string());
    CHECK_FALSE(encode_ok(RequestType::ping, ok::Ping{1}).contains("id"));
    CHECK(encode_ok(RequestType::ping, ok::Ping{1}, kAwkward.substr(0, 20))["id"] == kAwkward.substr(0, 20));
}

TEST_CASE("json encode: ok payloads of every request") {
    json j = encode_ok(RequestType::hello, ok::Hello{"guest1"});
    CHECK(j["server"] == "parleyd");
    CHECK(j["version"].is_string());
    CHECK(j["protocol"] == 1);
    CHECK(j["nick"] == "guest1");

    CHECK(encode_ok(RequestType::nick, ok::Nick{"alice"})["nick"] == "alice");

    j = encode_ok(RequestType::join, ok::Join{"lobby", {"alice", "bob"}, 12});
    CHECK(j["room"] == "lobby");
    CHECK(j["members"] == json::array({"alice", "bob"}));
    CHECK(j["seq"] == 12);

    CHECK(encode_ok(RequestType::leave, ok::Leave{"lobby"})["room"] == "lobby");

    j = encode_ok(RequestType::say, ok::Say{"lobby", 3, 1'700'000'000'123});
    CHECK(j["room"] == "lobby");
    CHECK(j["seq"] == 3);
    CHECK(j["ts"] == 1'700'000'000'123);

    j = encode_ok(RequestType::msg, ok::Msg{"Bob", 99});
    CHECK(j["to"] == "Bob");
    CHECK(j["ts"] == 99);

    j = encode_ok(RequestType::who, ok::Who{"lobby", {}});
    CHECK(j["room"] == "lobby");
    CHECK(j["members"] == json::array());

    j = encode_ok(RequestType::rooms, ok::Rooms{{{"a", 1}, {"b", 3}}});
    CHECK(j["rooms"] == json::parse(R"([{"name":"a","members":1},{"name":"b","members":3}])"));
    CHECK(encode_ok(RequestType::rooms, ok::Rooms{})["rooms"] == json::array());

    CHECK(encode_ok(RequestType::echo, ok::Echo{kAwkward})["text"] == kAwkward);
    CHECK(encode_ok(RequestType::ping, ok::Ping{1234})["ts"] == 1234);

    j = encode_ok(RequestType::quit, ok::Empty{}, std::int64_t{5});
    CHECK(j.size() == 3);  // type, for, id and nothing else
    CHECK(encode_ok(RequestType::shutdown, ok::Empty{}).size() == 2);
}

TEST_CASE("json encode: history messages are message events without type") {
    ok::History h{"lobby", {{"alice", "one", 4, 100}, {"bob", kAwkward, 5, 200}}, 5, true};
    json j = encode_ok(RequestType::history, h);
    CHECK(j["room"] == "lobby");
    CHECK(j["seq"] == 5);
    CHECK(j["truncated"] == true);
    REQUIRE(j["messages"].size() == 2);
    CHECK(j["messages"][0] == json::parse(R"({"room":"lobby","from":"alice","text":"one","seq":4,"ts":100})"));
    CHECK(j["messages"][1]["text"] == kAwkward);
    CHECK_FALSE(j["messages"][1].contains("type"));

    j = encode_ok(RequestType::history, ok::History{"empty", {}, 0, false});
    CHECK(j["messages"] == json::array());
    CHECK(j["truncated"] == false);
}

TEST_CASE("json encode: stats has every counter as an integer") {
    ServerStats s;
    s.connections = 3;
    s.rooms = 2;
    s.uptime_s = 61;
    s.frames_in = 100;
    s.frames_out = 200;
    s.bytes_in = 3000;
    s.bytes_out = 4000;
    s.udp_datagrams = 5;
    json j = encode_ok(RequestType::stats, ok::Stats{s});
    CHECK(j["connections"] == 3);
    CHECK(j["rooms"] == 2);
    CHECK(j["uptime_s"] == 61);
    CHECK(j["frames_in"] == 100);
    CHECK(j["frames_out"] == 200);
    CHECK(j["bytes_in"] == 3000);
    CHECK(j["bytes_out"] == 4000);
    CHECK(j["udp_datagrams"] == 5);
    for (auto& [key, value] : j.items())
        if (key != "type" && key != "for") CHECK(value.is_number_integer());
}

TEST_CASE("json encode: errors carry code and message, for and id only when known") {
    Reply r;
    r.for_type = RequestType::join;
    r.for_name = "join";
    r.id = std::string("j1");
    r.outcome = Failure{ErrorCode::invalid_room, "bad " + kAwkward};
    json j = parse_line(json_codec::encode(r));
    CHECK(j["type"] == "error");
    CHECK(j["for"] == "join");
    CHECK(j["id"] == "j1");
    CHECK(j["code"] == "invalid_room");
    CHECK(j["message"] == "bad " + kAwkward);
    CHECK_FALSE(j.contains("retry_after_ms"));

    Reply bare;
    bare.outcome = Failure{ErrorCode::bad_json, "malformed JSON"};
    j = parse_line(json_codec::encode(bare));
    CHECK(j == json::parse(R"({"type":"error","code":"bad_json","message":"malformed JSON"})"));

    // An unknown type is echoed by name although it has no RequestType.
    Reply unknown;
    unknown.for_name = "dance";
    unknown.id = std::int64_t{9};
    unknown.outcome = Failure{ErrorCode::unknown_type, "unknown request type"};
    j = parse_line(json_codec::encode(unknown));
    CHECK(j["for"] == "dance");
    CHECK(j["id"] == 9);

    Reply limited = r;
    limited.outcome = Failure{ErrorCode::rate_limited, "slow down", 250};
    j = parse_line(json_codec::encode(limited));
    CHECK(j["code"] == "rate_limited");
    CHECK(j["retry_after_ms"] == 250);
}

TEST_CASE("json encode: every error code has its PROTOCOL.md name") {
    const std::pair<ErrorCode, const char*> codes[] = {
        {ErrorCode::bad_json, "bad_json"},           {ErrorCode::bad_request, "bad_request"},
        {ErrorCode::unknown_type, "unknown_type"},   {ErrorCode::invalid_nick, "invalid_nick"},
        {ErrorCode::nick_taken, "nick_taken"},       {ErrorCode::invalid_room, "invalid_room"},
        {ErrorCode::too_many_rooms, "too_many_rooms"}, {ErrorCode::not_in_room, "not_in_room"},
        {ErrorCode::no_such_nick, "no_such_nick"},   {ErrorCode::forbidden, "forbidden"},
        {ErrorCode::frame_too_large, "frame_too_large"}, {ErrorCode::rate_limited, "rate_limited"},
        {ErrorCode::server_full, "server_full"},     {ErrorCode::slow_consumer, "slow_consumer"},
        {ErrorCode::unavailable, "unavailable"},
    };
    for (const auto& [code, name] : codes) {
        Reply r;
        r.outcome = Failure{code, "m"};
        CHECK(parse_line(json_codec::encode(r))["code"] == name);
    }
}

TEST_CASE("json encode: events") {
    json j = encode_event(ev::Message{"lobby", "alice", kAwkward, 7, 1234});
    CHECK(j == json{{"type", "message"}, {"room", "lobby"}, {"from", "alice"}, {"text", kAwkward},
                    {"seq", 7}, {"ts", 1234}});

    j = encode_event(ev::Private{"alice", "Bob", "psst", 55});
    CHECK(j == json{{"type", "private"}, {"from", "alice"}, {"to", "Bob"}, {"text", "psst"}, {"ts", 55}});

    j = encode_event(ev::Joined{"lobby", "carol"});
    CHECK(j == json{{"type", "joined"}, {"room", "lobby"}, {"nick", "carol"}});

    for (auto [reason, name] : {std::pair{LeaveReason::leave, "leave"}, std::pair{LeaveReason::quit, "quit"},
                                std::pair{LeaveReason::disconnect, "disconnect"}}) {
        j = encode_event(ev::Left{"lobby", "dave", reason});
        CHECK(j == json{{"type", "left"}, {"room", "lobby"}, {"nick", "dave"}, {"reason", name}});
    }

    j = encode_event(ev::NickChanged{"guest1", "erin"});
    CHECK(j == json{{"type", "nick"}, {"old", "guest1"}, {"nick", "erin"}});

    CHECK(encode_event(ev::Shutdown{ShutdownReason::admin}) == json{{"type", "shutdown"}, {"reason", "admin"}});
    CHECK(encode_event(ev::Shutdown{ShutdownReason::signal}) == json{{"type", "shutdown"}, {"reason", "signal"}});
}

TEST_CASE("json encode: an OutgoingEvent encodes each mode once and shares the frame") {
    OutgoingEvent e(ev::Joined{"lobby", "carol"});
    const SharedFrame& a = e.frame(Mode::json);
    const SharedFrame& b = e.frame(Mode::json);
    CHECK(a.get() == b.get());
    CHECK(*a == json_codec::encode(e.event()));
    CHECK(e.frame(Mode::text).get() != a.get());
    CHECK(e.frame(Mode::text).get() == e.frame(Mode::text).get());
}
