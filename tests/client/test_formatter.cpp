#include <doctest/doctest.h>

#include "formatter.h"
#include "terminal_text.h"

using namespace parley::client;

namespace {

std::tm utc(std::time_t t) {
    std::tm out{};
    ::gmtime_r(&t, &out);
    return out;
}

}  // namespace

TEST_CASE("messages without colour") {
    Formatter f(false, utc);
    ChatMessage m{"lobby", "bob", "hi there", 7, 3723000};  // 01:02:03 UTC
    CHECK(f.message(m, false) == "01:02:03 [lobby] <bob> hi there");
    CHECK(f.message(m, true) == "01:02:03 [lobby] <bob (me)> hi there");
    CHECK(f.private_from("bob", "psst", 0) == "00:00:00 (pm) <bob> psst");
    CHECK(f.private_to("bob", "psst", 0) == "00:00:00 (pm) -> <bob> psst");
    CHECK(f.notice("bob joined lobby", 0) == "00:00:00 * bob joined lobby");
    CHECK(f.error("no_such_nick: nobody") == "! no_such_nick: nobody");
}

TEST_CASE("colours: nicks stable, own marked, errors red") {
    Formatter f(true, utc);
    ChatMessage m{"r", "Bob", "x", 1, 0};
    std::string line = f.message(m, false);
    std::string code = std::to_string(nick_colour_code("bob"));
    CHECK(line.find("\x1b[" + code + "mBob\x1b[0m") != std::string::npos);
    CHECK(f.message(m, true).find("\x1b[1;" + code + "mBob") != std::string::npos);
    CHECK(f.error("boom") == "\x1b[31m! boom\x1b[0m");
    CHECK(nick_colour_code("BOB") == nick_colour_code("bob"));
    CHECK(nick_colour_code("alice") != 31);
}

TEST_CASE("text from others cannot carry terminal controls") {
    Formatter f(false, utc);
    ChatMessage m{"r", "ev\x1bil", "\x1b[2J\rfake\n\x7f\xc2\x9b\xe2\x80\xa8\xe2\x80\xae", 1, 0};
    std::string line = f.message(m, false);
    CHECK(line.find('\x1b') == std::string::npos);
    CHECK(line.find('\r') == std::string::npos);
    CHECK(line.find('\n') == std::string::npos);
    CHECK(line ==
          "00:00:00 [r] <ev\\x1Bil> \\x1B[2J\\x0Dfake\\x0A\\x7F\\u009B\\u2028\\u202E");
}

TEST_CASE("sanitize keeps ordinary UTF-8 and marks broken bytes") {
    CHECK(sanitize("caf\xc3\xa9 \xe2\x9c\x93") == "caf\xc3\xa9 \xe2\x9c\x93");
    CHECK(sanitize("a\xff" "b") == "a\\xFFb");
    CHECK(sanitize("\xc0\xaf") == "\\xC0\\xAF");  // overlong '/'
    CHECK(sanitize("tab\there") == "tab\\x09here");
}

TEST_CASE("display width counts columns, not bytes") {
    CHECK(display_width("abc") == 3);
    CHECK(display_width("caf\xc3\xa9") == 4);
}

TEST_CASE("NO_COLOR and terminals") {
    CHECK(want_colour(true, nullptr));
    CHECK(want_colour(true, ""));
    CHECK_FALSE(want_colour(true, "1"));
    CHECK_FALSE(want_colour(false, nullptr));
}

TEST_CASE("prompt shows nick, room and connection state") {
    Formatter plain(false, utc);
    auto p = plain.prompt("a", "lobby", true);
    CHECK(p.text == "a@lobby> ");
    CHECK(p.width == 9);
    CHECK(plain.prompt("a", "", true).text == "a> ");
    CHECK(plain.prompt("a", "r", false).text == "(offline) a@r> ");

    Formatter colour(true, utc);
    auto c = colour.prompt("a", "lobby", true);
    CHECK(c.width == 9);
    CHECK(c.text.find("\001\x1b[") == 0);
    CHECK(c.text.find("\x1b[0m\002@lobby> ") != std::string::npos);
}
