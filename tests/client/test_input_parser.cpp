#include <doctest/doctest.h>

#include "input_parser.h"

using namespace parley::client;

TEST_CASE("plain lines are said to the current room") {
    auto in = parse_input("hello there ");
    CHECK(in.kind == Input::Kind::Say);
    CHECK(in.text == "hello there ");
}

TEST_CASE("blank lines do nothing") {
    CHECK(parse_input("").kind == Input::Kind::Nothing);
    CHECK(parse_input("   \t ").kind == Input::Kind::Nothing);
}

TEST_CASE("a double slash says the line with one slash") {
    auto in = parse_input("//shrug");
    CHECK(in.kind == Input::Kind::Say);
    CHECK(in.text == "/shrug");
}

TEST_CASE("commands are case-insensitive") {
    auto in = parse_input("/JOIN lobby");
    REQUIRE(in.kind == Input::Kind::Command);
    CHECK(in.verb == Verb::Join);
    CHECK(in.room == "lobby");
}

TEST_CASE("commands that need an argument say how to use them") {
    for (const char* line : {"/nick", "/join", "/switch", "/msg", "/msg bob", "/echo", "/udp",
                             "/join a b", "/rooms now", "/quit please"}) {
        auto in = parse_input(line);
        CHECK_MESSAGE(in.kind == Input::Kind::Invalid, line);
        CHECK_MESSAGE(in.error.rfind("usage: /", 0) == 0, line);
    }
}

TEST_CASE("unknown commands point at /help") {
    auto in = parse_input("/frobnicate x");
    CHECK(in.kind == Input::Kind::Invalid);
    CHECK(in.error.find("/frobnicate") != std::string::npos);
    CHECK(in.error.find("/help") != std::string::npos);
}

TEST_CASE("/msg keeps the text as typed after the nick") {
    auto in = parse_input("/msg bob  two  spaces ");
    REQUIRE(in.kind == Input::Kind::Command);
    CHECK(in.verb == Verb::Msg);
    CHECK(in.nick == "bob");
    CHECK(in.text == " two  spaces ");
}

TEST_CASE("/echo and /udp take the rest of the line") {
    auto echo = parse_input("/echo a b  c");
    CHECK(echo.verb == Verb::Echo);
    CHECK(echo.text == "a b  c");
    auto udp = parse_input("/udp ping 1");
    CHECK(udp.verb == Verb::Udp);
    CHECK(udp.text == "ping 1");
}

TEST_CASE("/history follows the server's text mode") {
    auto none = parse_input("/history");
    CHECK(none.room.empty());
    CHECK_FALSE(none.limit);

    auto count = parse_input("/history 5");
    CHECK(count.room.empty());
    REQUIRE(count.limit);
    CHECK(*count.limit == 5);

    auto room = parse_input("/history lobby");
    CHECK(room.room == "lobby");
    CHECK_FALSE(room.limit);

    auto both = parse_input("/history lobby 7");
    CHECK(both.room == "lobby");
    REQUIRE(both.limit);
    CHECK(*both.limit == 7);

    CHECK(parse_input("/history lobby x").kind == Input::Kind::Invalid);
    CHECK(parse_input("/history 99999999999999").kind == Input::Kind::Invalid);
}

TEST_CASE("/leave and /who default to the current room") {
    CHECK(parse_input("/leave").room.empty());
    CHECK(parse_input("/leave x").room == "x");
    CHECK(parse_input("/who").verb == Verb::Who);
    CHECK(parse_input("/who x").room == "x");
}

TEST_CASE("client-only commands parse") {
    CHECK(parse_input("/abort").verb == Verb::Abort);
    CHECK(parse_input("/switch r2").room == "r2");
    CHECK(parse_input("/quit").verb == Verb::Quit);
}

TEST_CASE("help lists every command") {
    const auto& help = command_help();
    for (const char* name : {"/nick", "/join", "/leave", "/msg", "/who", "/rooms", "/history",
                             "/echo", "/ping", "/stats", "/quit", "/help", "/abort", "/udp",
                             "/switch"}) {
        bool found = false;
        for (const auto& line : help) found = found || line.rfind(name, 0) == 0;
        CHECK_MESSAGE(found, name);
    }
}
