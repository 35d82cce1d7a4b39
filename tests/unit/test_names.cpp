#include "parley/names.hpp"

#include <string>

#include "doctest.hpp"

namespace names = parley::names;

namespace {

std::string repeat(std::string_view unit, std::size_t n) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i) out.append(unit);
    return out;
}

}  // namespace

TEST_CASE("names: nick lengths are 1 to 32 code points") {
    CHECK_FALSE(names::valid_nick(""));
    CHECK(names::valid_nick("a"));
    CHECK(names::valid_nick(repeat("a", 32)));
    CHECK_FALSE(names::valid_nick(repeat("a", 33)));
    // Counted in code points: 32 two-byte or four-byte characters still fit.
    CHECK(names::valid_nick(repeat("\xc3\xa9", 32)));
    CHECK_FALSE(names::valid_nick(repeat("\xc3\xa9", 33)));
    CHECK(names::valid_nick(repeat("\xf0\x9f\x98\x80", 32)));
    CHECK_FALSE(names::valid_nick(repeat("\xf0\x9f\x98\x80", 33)));
}

TEST_CASE("names: nicks refuse the reserved punctuation") {
    for (const char* c : {"/", "@", "#", ":", ",", "\"", "\\"}) {
        CAPTURE(c);
        CHECK_FALSE(names::valid_nick(std::string("ab") + c + "cd"));
        CHECK_FALSE(names::valid_nick(c));
    }
    CHECK(names::valid_nick("a-b_c.d[e]{f}|g'h!i?"));
}

TEST_CASE("names: nicks refuse whitespace of any kind and control characters") {
    for (const char* bad : {" ", "\t", "\n", "\r", "\x0b", "\x0c", "\x01", "\x1b", "\x7f",
                            "\xc2\x85",        // U+0085 NEL
                            "\xc2\x9b",        // U+009B CSI
                            "\xc2\xa0",        // U+00A0 no-break space
                            "\xe1\x9a\x80",    // U+1680
                            "\xe2\x80\x83",    // U+2003 em space
                            "\xe2\x80\xa8",    // U+2028
                            "\xe2\x80\xaf",    // U+202F
                            "\xe3\x80\x80"}) { // U+3000 ideographic space
        CAPTURE(std::string(bad));
        CHECK_FALSE(names::valid_nick(std::string("ab") + bad + "cd"));
    }
    CHECK_FALSE(names::valid_nick(std::string("a\0b", 3)));
}

TEST_CASE("names: nicks may be any other Unicode") {
    CHECK(names::valid_nick("\xc3\xbcn\xc3\xaf" "c\xc3\xb8" "d\xc3\xa9"));
    CHECK(names::valid_nick("\xe6\x9d\xb1\xe4\xba\xac"));
    CHECK(names::valid_nick("\xf0\x9f\x98\x80"));
}

TEST_CASE("names: invalid UTF-8 is never a name") {
    CHECK_FALSE(names::valid_nick("\xc0\xaf"));
    CHECK_FALSE(names::valid_nick("ab\xed\xa0\x80"));
    CHECK_FALSE(names::valid_room("\xff"));
    CHECK_FALSE(names::valid_room("r\xe2\x82"));
}

TEST_CASE("names: room lengths are 1 to 64 code points") {
    CHECK_FALSE(names::valid_room(""));
    CHECK(names::valid_room("r"));
    CHECK(names::valid_room(repeat("r", 64)));
    CHECK_FALSE(names::valid_room(repeat("r", 65)));
    CHECK(names::valid_room(repeat("\xe2\x82\xac", 64)));
    CHECK_FALSE(names::valid_room(repeat("\xe2\x82\xac", 65)));
}

TEST_CASE("names: rooms refuse whitespace and control characters, allow punctuation") {
    for (const char* bad : {" ", "\t", "\x01", "\x1b", "\x7f", "\xc2\x85", "\xc2\x9b"}) {
        CAPTURE(std::string(bad));
        CHECK_FALSE(names::valid_room(std::string("ro") + bad + "om"));
    }
    for (const char* good : {"#general", "a/b", "x@y", "c:d", "e,f", "q\"uote", "back\\slash", "\xf0\x9f\x8e\x89"}) {
        CAPTURE(std::string(good));
        CHECK(names::valid_room(good));
    }
}

TEST_CASE("names: the nick key folds ASCII letters only") {
    CHECK(names::nick_key("AliCE") == "alice");
    CHECK(names::nick_key("bob_42") == "bob_42");
    CHECK(names::nick_key("\xc3\x89mile") == "\xc3\x89mile");  // É stays as is
    CHECK(names::nick_key("ALICE") == names::nick_key("alice"));
    CHECK(names::nick_key("\xc3\x89") != names::nick_key("\xc3\xa9"));
}
