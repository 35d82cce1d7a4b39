#include "parley/utf8.hpp"

#include <string>

#include "doctest.hpp"

namespace utf8 = parley::utf8;

namespace {

// Builds a byte string from small integers so invalid sequences are readable.
std::string bytes(std::initializer_list<int> values) {
    std::string out;
    for (int v : values) out.push_back(static_cast<char>(v));
    return out;
}

char32_t first_code_point(const std::string& s, std::size_t& pos) {
    pos = 0;
    return utf8::decode_next(s, pos);
}

}  // namespace

TEST_CASE("utf8: valid input of every length") {
    CHECK(utf8::is_valid(""));
    CHECK(utf8::is_valid("plain ascii \x01\x7f"));
    CHECK(utf8::is_valid("\xc3\xa9"));              // U+00E9
    CHECK(utf8::is_valid("\xc2\x80"));              // U+0080, smallest 2-byte
    CHECK(utf8::is_valid("\xdf\xbf"));              // U+07FF
    CHECK(utf8::is_valid("\xe0\xa0\x80"));          // U+0800, smallest 3-byte
    CHECK(utf8::is_valid("\xe2\x82\xac"));          // U+20AC
    CHECK(utf8::is_valid("\xed\x9f\xbf"));          // U+D7FF, just below the surrogates
    CHECK(utf8::is_valid("\xee\x80\x80"));          // U+E000, just above them
    CHECK(utf8::is_valid("\xef\xbf\xbf"));          // U+FFFF
    CHECK(utf8::is_valid("\xf0\x90\x80\x80"));      // U+10000, smallest 4-byte
    CHECK(utf8::is_valid("\xf0\x9f\x98\x80"));      // U+1F600
    CHECK(utf8::is_valid("\xf4\x8f\xbf\xbf"));      // U+10FFFF, the last code point
    CHECK(utf8::is_valid("a\xc3\xa9""b\xf0\x9f\x98\x80""c"));
}

TEST_CASE("utf8: overlong forms are rejected") {
    CHECK_FALSE(utf8::is_valid(bytes({0xc0, 0x80})));              // NUL in two bytes
    CHECK_FALSE(utf8::is_valid(bytes({0xc0, 0xaf})));              // '/' in two bytes
    CHECK_FALSE(utf8::is_valid(bytes({0xc1, 0xbf})));
    CHECK_FALSE(utf8::is_valid(bytes({0xe0, 0x80, 0x80})));
    CHECK_FALSE(utf8::is_valid(bytes({0xe0, 0x9f, 0xbf})));        // U+07FF in three bytes
    CHECK_FALSE(utf8::is_valid(bytes({0xf0, 0x80, 0x80, 0x80})));
    CHECK_FALSE(utf8::is_valid(bytes({0xf0, 0x8f, 0xbf, 0xbf})));  // U+FFFF in four bytes
}

TEST_CASE("utf8: surrogates are rejected") {
    CHECK_FALSE(utf8::is_valid(bytes({0xed, 0xa0, 0x80})));  // U+D800
    CHECK_FALSE(utf8::is_valid(bytes({0xed, 0xaf, 0xbf})));  // U+DBFF
    CHECK_FALSE(utf8::is_valid(bytes({0xed, 0xb0, 0x80})));  // U+DC00
    CHECK_FALSE(utf8::is_valid(bytes({0xed, 0xbf, 0xbf})));  // U+DFFF
    // A CESU-8 pair is two surrogates, not one code point.
    CHECK_FALSE(utf8::is_valid(bytes({0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80})));
}

TEST_CASE("utf8: code points above U+10FFFF and impossible bytes are rejected") {
    CHECK_FALSE(utf8::is_valid(bytes({0xf4, 0x90, 0x80, 0x80})));  // U+110000
    CHECK_FALSE(utf8::is_valid(bytes({0xf5, 0x80, 0x80, 0x80})));
    CHECK_FALSE(utf8::is_valid(bytes({0xf7, 0xbf, 0xbf, 0xbf})));
    CHECK_FALSE(utf8::is_valid(bytes({0xf8, 0x88, 0x80, 0x80, 0x80})));
    CHECK_FALSE(utf8::is_valid(bytes({0xfe})));
    CHECK_FALSE(utf8::is_valid(bytes({0xff})));
}

TEST_CASE("utf8: truncated sequences and stray continuation bytes are rejected") {
    CHECK_FALSE(utf8::is_valid(bytes({0xc3})));
    CHECK_FALSE(utf8::is_valid(bytes({0xe2, 0x82})));
    CHECK_FALSE(utf8::is_valid(bytes({0xf0, 0x9f, 0x98})));
    CHECK_FALSE(utf8::is_valid(bytes({'a', 0xf0, 0x9f, 0x98})));
    // Cut short by the next character rather than by the end.
    CHECK_FALSE(utf8::is_valid(bytes({0xc3, 'a'})));
    CHECK_FALSE(utf8::is_valid(bytes({0xe2, 0x82, 'a'})));
    CHECK_FALSE(utf8::is_valid(bytes({0xf0, 0x9f, 0x98, 'a'})));
    CHECK_FALSE(utf8::is_valid(bytes({0xe2, 0xc3, 0xa9})));
    CHECK_FALSE(utf8::is_valid(bytes({0x80})));
    CHECK_FALSE(utf8::is_valid(bytes({0xbf})));
    CHECK_FALSE(utf8::is_valid(bytes({'a', 0x80, 'b'})));
    CHECK_FALSE(utf8::is_valid(bytes({0xc3, 0xa9, 0xa9})));
}

TEST_CASE("utf8: decode_next returns each code point and advances past it") {
    std::size_t pos = 0;
    CHECK(first_code_point("A", pos) == U'A');
    CHECK(pos == 1);
    CHECK(first_code_point("\xc3\xa9", pos) == U'\u00e9');
    CHECK(pos == 2);
    CHECK(first_code_point("\xe2\x82\xac", pos) == U'\u20ac');
    CHECK(pos == 3);
    CHECK(first_code_point("\xf0\x9f\x98\x80", pos) == U'\U0001F600');
    CHECK(pos == 4);
    CHECK(first_code_point("\xf4\x8f\xbf\xbf", pos) == U'\U0010FFFF');

    const std::string mixed = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80z";
    std::u32string decoded;
    for (pos = 0; pos < mixed.size();) decoded.push_back(utf8::decode_next(mixed, pos));
    CHECK(decoded == U"a\u00e9\u20ac\U0001F600z");
    CHECK(pos == mixed.size());
}

TEST_CASE("utf8: length counts code points, not bytes") {
    CHECK(utf8::length("") == 0);
    CHECK(utf8::length("abc") == 3);
    CHECK(utf8::length("\xc3\xa9\xc3\xa9") == 2);
    CHECK(utf8::length("\xf0\x9f\x98\x80!") == 2);
}

TEST_CASE("utf8: is_space covers Unicode white space") {
    for (char32_t cp : {0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2005, 0x200a, 0x2028,
                        0x2029, 0x202f, 0x205f, 0x3000}) {
        CAPTURE(static_cast<std::uint32_t>(cp));
        CHECK(utf8::is_space(cp));
    }
    for (char32_t cp : {U'a', U'_', U'\u200b', U'\u00e9', U'\u3001', U'\U0001F600'}) {
        CAPTURE(static_cast<std::uint32_t>(cp));
        CHECK_FALSE(utf8::is_space(cp));
    }
}

TEST_CASE("utf8: is_control is exactly C0, DEL and C1") {
    for (char32_t cp = 0; cp < 0x20; ++cp) CHECK(utf8::is_control(cp));
    for (char32_t cp = 0x7f; cp <= 0x9f; ++cp) CHECK(utf8::is_control(cp));
    for (char32_t cp : {U' ', U'~', U'\u00a0', U'\u00ff', U'\u2028', U'\U0001F600'}) {
        CAPTURE(static_cast<std::uint32_t>(cp));
        CHECK_FALSE(utf8::is_control(cp));
    }
}
