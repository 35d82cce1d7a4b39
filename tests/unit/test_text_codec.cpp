// Text mode for netcat users: slash commands in, human lines out, and the
// escaping that keeps a terminal safe (PROTOCOL.md, "Two modes on one port").
#include "parley/text_codec.hpp"

#include <algorithm>
#include <string>

#include "doctest.hpp"
#include "parley/utf8.hpp"

using namespace parley;
namespace text_codec = parley::text_codec;

namespace {

Request decode_request(std::string_view frame) {
    auto decoded = text_codec::decode(frame);
    INFO("frame: " << frame.substr(0, 200));
    REQUIRE(std::holds_alternative<Request>(decoded));
    return std::get<Request>(decoded);
}

Reply decode_error(std::string_view frame) {
    auto decoded = text_codec::decode(frame);
    INFO("frame: " << frame.substr(0, 200));
    REQUIRE(std::holds_alternative<Reply>(decoded));
    Reply r = std::get<Reply>(decoded);
    REQUIRE_FALSE(r.ok());
    return r;
}

Reply ok_reply(RequestType type, OkPayload payload) {
    Reply r;
    r.for_type = type;
    r.for_name = std::string(to_string(type));
    r.outcome = std::move(payload);
    return r;
}

std::string encode_ok(RequestType type, OkPayload payload) { return text_codec::encode(ok_reply(type, std::move(payload))); }

void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

// What a reader of a text line would do to get the sender's text back.
std::string unescape(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '\\') {
            out.push_back(s[i]);
            continue;
        }
        REQUIRE(i + 1 < s.size());
        char kind = s[++i];
        if (kind == '\\') {
            out.push_back('\\');
        } else if (kind == 'x') {
            REQUIRE(i + 2 < s.size());
            out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
            i += 2;
        } else {
            REQUIRE(kind == 'u');
            REQUIRE(i + 4 < s.size());
            append_utf8(out, static_cast<char32_t>(std::stoi(std::string(s.substr(i + 1, 4)), nullptr, 16)));
            i += 4;
        }
    }
    return out;
}

// True when the bytes hold nothing a terminal would act on.
bool terminal_safe(std::string_view s) {
    std::size_t pos = 0;
    while (pos < s.size()) {
        char32_t cp = utf8::decode_next(s, pos);
        if (utf8::is_control(cp) || cp == 0x2028 || cp == 0x2029) return false;
    }
    return true;
}

}  // namespace

TEST_CASE("text decode: a line without a slash is said to the current room") {
    auto req = decode_request("hello there ");
    CHECK(req.type == RequestType::say);
    CHECK(req.text == "hello there ");
    CHECK(req.plain_line);
    CHECK(req.room_defaulted);
    CHECK(decode_request(" /join x").text == " /join x");
    CHECK(decode_request("{not json}").text == "{not json}");
}

TEST_CASE("text decode: //x says /x") {
    CHECK(decode_request("//x").text == "/x");
    CHECK(decode_request("//join lobby").text == "/join lobby");
    CHECK(decode_request("//").text == "/");
    CHECK(decode_request("//x").plain_line);
}

TEST_CASE("text decode: commands are case-insensitive, arguments are not") {
    auto req = decode_request("/JOIN Lobby");
    CHECK(req.type == RequestType::join);
    CHECK(req.room == "Lobby");
    CHECK(decode_request("/Nick Alice").nick == "Alice");
    CHECK(decode_request("/pInG").type == RequestType::ping);
}

TEST_CASE("text decode: each command with its arguments") {
    CHECK(decode_request("/nick alice").nick == "alice");
    CHECK(decode_request("/join  lobby  ").room == "lobby");
    CHECK(decode_request("/hello").type == RequestType::hello);
    CHECK(decode_request("/rooms").type == RequestType::rooms);
    CHECK(decode_request("/ping").type == RequestType::ping);
    CHECK(decode_request("/stats").type == RequestType::stats);
    CHECK(decode_request("/quit").type == RequestType::quit);
    CHECK(decode_request("/help").type == RequestType::help);
    CHECK(decode_request("/shutdown s3cret").token == "s3cret");
    CHECK(decode_request("/join\tlobby").room == "lobby");

    for (const char* cmd : {"/leave", "/who"}) {
        CAPTURE(cmd);
        auto defaulted = decode_request(cmd);
        CHECK(defaulted.room_defaulted);
        auto named = decode_request(std::string(cmd) + " lobby");
        CHECK_FALSE(named.room_defaulted);
        CHECK(named.room == "lobby");
    }

    auto msg = decode_request("/msg bob  hello   there");
    CHECK(msg.type == RequestType::msg);
    CHECK(msg.to == "bob");
    CHECK(msg.text == "hello   there");
}

TEST_CASE("text decode: /echo keeps its text exactly") {
    CHECK(decode_request("/echo hi").text == "hi");
    CHECK(decode_request("/echo  two  spaces  ").text == " two  spaces  ");
    CHECK(decode_request("/echo a\\b \"c\"").text == "a\\b \"c\"");
    CHECK(decode_request("/ECHO Mixed Case").text == "Mixed Case");
}

TEST_CASE("text decode: /history [ROOM] [N]") {
    auto h = decode_request("/history");
    CHECK(h.room_defaulted);
    CHECK_FALSE(h.limit.has_value());

    h = decode_request("/history 20");
    CHECK(h.room_defaulted);
    CHECK(h.limit == 20u);

    h = decode_request("/history lobby");
    CHECK_FALSE(h.room_defaulted);
    CHECK(h.room == "lobby");
    CHECK_FALSE(h.limit.has_value());

    h = decode_request("/history lobby 5");
    CHECK(h.room == "lobby");
    CHECK(h.limit == 5u);

    h = decode_request("/history 2024 0");  // a room named by digits needs the count too
    CHECK(h.room == "2024");
    CHECK(h.limit == 0u);
    CHECK_FALSE(h.since.has_value());
}

TEST_CASE("text decode: missing or extra arguments are bad_request") {
    for (const char* frame : {"/nick", "/nick a b", "/join", "/join a b", "/msg", "/msg bob", "/msg bob   ",
                              "/echo", "/echo   ", "/shutdown", "/shutdown a b", "/leave a b", "/who a b",
                              "/history a 1 2", "/history lobby x", "/history lobby -1",
                              "/history 99999999999999999999999", "/ping now", "/quit later", "/rooms all",
                              "/stats x", "/hello x", "/help me"}) {
        INFO("frame: " << std::string(frame));
        Reply r = decode_error(frame);
        CHECK(r.failure().code == ErrorCode::bad_request);
        CHECK(r.for_type.has_value());
        CHECK(text_codec::encode(r).starts_with("! bad_request: "));
    }
}

TEST_CASE("text decode: an unknown /word is unknown_type") {
    for (const char* frame : {"/dance", "/DANCE now", "/say hi", "/", "/ x", "/nick2 bob"}) {
        INFO("frame: " << std::string(frame));
        Reply r = decode_error(frame);
        CHECK(r.failure().code == ErrorCode::unknown_type);
        CHECK(text_codec::encode(r).starts_with("! unknown_type: "));
    }
}

TEST_CASE("text encode: failures are one `! CODE: ` line") {
    Reply r;
    r.for_type = RequestType::leave;
    r.outcome = Failure{ErrorCode::not_in_room, "you are not in that room"};
    CHECK(text_codec::encode(r) == "! not_in_room: you are not in that room\n");

    r.outcome = Failure{ErrorCode::rate_limited, "slow down", 120};
    std::string line = text_codec::encode(r);
    CHECK(line.starts_with("! rate_limited: "));
    CHECK(line.find('\n') == line.size() - 1);

    // Even the explanation cannot break the line.
    r.outcome = Failure{ErrorCode::bad_request, "a\nb\x1b"};
    line = text_codec::encode(r);
    CHECK(line.find('\n') == line.size() - 1);
    CHECK(terminal_safe(line.substr(0, line.size() - 1)));
}

TEST_CASE("text encode: every other success is one `+ ` line") {
    ServerStats stats;
    const std::pair<RequestType, OkPayload> replies[] = {
        {RequestType::hello, ok::Hello{"guest1"}},
        {RequestType::nick, ok::Nick{"alice"}},
        {RequestType::join, ok::Join{"lobby", {"alice", "bob"}, 3}},
        {RequestType::leave, ok::Leave{"lobby"}},
        {RequestType::say, ok::Say{"lobby", 4, 100}},
        {RequestType::msg, ok::Msg{"bob", 100}},
        {RequestType::who, ok::Who{"lobby", {}}},
        {RequestType::rooms, ok::Rooms{}},
        {RequestType::rooms, ok::Rooms{{{"a", 1}, {"b", 2}}}},
        {RequestType::ping, ok::Ping{100}},
        {RequestType::stats, ok::Stats{stats}},
        {RequestType::quit, ok::Empty{}},
        {RequestType::shutdown, ok::Empty{}},
        {RequestType::help, ok::Empty{}},
    };
    for (const auto& [type, payload] : replies) {
        std::string line = encode_ok(type, payload);
        CAPTURE(line);
        CHECK(line.starts_with("+ "));
        CHECK(line.find('\n') == line.size() - 1);
    }
}

TEST_CASE("text encode: a said line gets no reply, an explicit say does") {
    Reply r = ok_reply(RequestType::say, ok::Say{"lobby", 1, 1});
    r.silent_in_text = true;
    CHECK(text_codec::encode(r).empty());
    r.silent_in_text = false;
    CHECK(text_codec::encode(r).starts_with("+ "));

    Reply failed = r;
    failed.silent_in_text = true;
    failed.outcome = Failure{ErrorCode::not_in_room, "join a room first"};
    CHECK(text_codec::encode(failed).starts_with("! not_in_room: "));
}

TEST_CASE("text encode: /echo answers with the text itself") {
    CHECK(encode_ok(RequestType::echo, ok::Echo{"hi  there "}) == "hi  there \n");
    CHECK(encode_ok(RequestType::echo, ok::Echo{"+ not a reply"}) == "+ not a reply\n");
    CHECK(encode_ok(RequestType::echo, ok::Echo{"a\x1b[2Jb"}) == "a\\x1B[2Jb\n");
}

TEST_CASE("text encode: history is one message line each, oldest first, then a `+` line") {
    ok::History h{"lobby", {{"alice", "first", 1, 10}, {"bob", "second\nline", 2, 20}}, 2, false};
    std::string out = encode_ok(RequestType::history, h);
    CHECK(out.starts_with("[lobby] alice: first\n[lobby] bob: second\\x0Aline\n+ "));
    CHECK(std::count(out.begin(), out.end(), '\n') == 3);
    CHECK(out.back() == '\n');
    std::string empty = encode_ok(RequestType::history, ok::History{"lobby", {}, 0, false});
    CHECK(empty.starts_with("+ "));
    CHECK(empty.find('\n') == empty.size() - 1);
}

TEST_CASE("text encode: events in the exact formats of PROTOCOL.md") {
    CHECK(text_codec::encode(Event{ev::Message{"lobby", "alice", "hi all", 1, 10}}) == "[lobby] alice: hi all\n");
    CHECK(text_codec::encode(Event{ev::Private{"alice", "bob", "psst", 10}}) == "(pm) alice: psst\n");
    CHECK(text_codec::encode(Event{ev::Joined{"lobby", "carol"}}) == "* carol joined lobby\n");
    for (auto reason : {LeaveReason::leave, LeaveReason::quit, LeaveReason::disconnect})
        CHECK(text_codec::encode(Event{ev::Left{"lobby", "dave", reason}}) == "* dave left lobby\n");
    CHECK(text_codec::encode(Event{ev::NickChanged{"guest1", "erin"}}) == "* guest1 is now erin\n");
    CHECK(text_codec::encode(Event{ev::Shutdown{ShutdownReason::admin}}) == "* server shutting down\n");
    CHECK(text_codec::encode(Event{ev::Shutdown{ShutdownReason::signal}}) == "* server shutting down\n");
}

TEST_CASE("text encode: user text in events cannot forge a line") {
    std::string line = text_codec::encode(Event{ev::Message{"r", "mallory", "hi\n[r] alice: send me money\r", 1, 1}});
    CHECK(line == "[r] mallory: hi\\x0A[r] alice: send me money\\x0D\n");
    line = text_codec::encode(Event{ev::Private{"m", "b", "\x1b]0;owned\x07", 1}});
    CHECK(line == "(pm) m: \\x1B]0;owned\\x07\n");
}

TEST_CASE("text escaping: each kind of character") {
    CHECK(text_codec::escaped("plain text, \xc3\xa9t\xc3\xa9 \xf0\x9f\x98\x80") == "plain text, \xc3\xa9t\xc3\xa9 \xf0\x9f\x98\x80");
    CHECK(text_codec::escaped(std::string(1, '\0')) == "\\x00");
    CHECK(text_codec::escaped("\t\n\r") == "\\x09\\x0A\\x0D");
    CHECK(text_codec::escaped("\x1b[31m") == "\\x1B[31m");
    CHECK(text_codec::escaped("\x1f\x7f") == "\\x1F\\x7F");
    CHECK(text_codec::escaped("\xc2\x80") == "\\u0080");
    CHECK(text_codec::escaped("\xc2\x9b") == "\\u009B");
    CHECK(text_codec::escaped("\xc2\x9f") == "\\u009F");
    CHECK(text_codec::escaped("\xc2\xa0") == "\xc2\xa0");  // NBSP is not a control
    CHECK(text_codec::escaped("\xe2\x80\xa8") == "\\u2028");
    CHECK(text_codec::escaped("\xe2\x80\xa9") == "\\u2029");
    CHECK(text_codec::escaped("\\") == "\\\\");
    CHECK(text_codec::escaped("\\x41") == "\\\\x41");
}

TEST_CASE("text escaping: reversible and terminal-safe for every control character") {
    std::string all;
    for (char32_t cp = 0; cp < 0x20; ++cp) append_utf8(all, cp);
    for (char32_t cp = 0x7f; cp <= 0xa0; ++cp) append_utf8(all, cp);
    append_utf8(all, 0x2028);
    append_utf8(all, 0x2029);
    all += "\\ \\\\ \\x41 \\u2028 x";

    for (const std::string& text : {all, std::string("\\"), std::string("\\\\x1B"), std::string("a\\u0080b"),
                                    std::string("\xf4\x8f\xbf\xbf\x1b")}) {
        std::string out = text_codec::escaped(text);
        CAPTURE(out);
        CHECK(terminal_safe(out));
        CHECK(unescape(out) == text);
    }
}
