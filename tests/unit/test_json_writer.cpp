// The flat JSON object writer behind every reply and event.
#include "parley/json_writer.hpp"

#include <limits>
#include <nlohmann/json.hpp>
#include <string>

#include "doctest.hpp"

using parley::JsonWriter;
using nlohmann::json;

namespace {

std::string json_quoted(std::string_view s) {
    std::string out;
    JsonWriter::append_string(out, s);
    return out;
}

}  // namespace

TEST_CASE("json writer: an empty object is one line") {
    JsonWriter w;
    CHECK(std::move(w).finish() == "{}\n");
}

TEST_CASE("json writer: fields in the order written") {
    JsonWriter w;
    w.field("s", "text")
        .field("i", std::int64_t{-42})
        .field("u", std::uint64_t{42})
        .field("n", 7)
        .field("t", true)
        .field("f", false)
        .raw_field("a", "[1,2]");
    std::string out = std::move(w).finish();
    CHECK(out == R"({"s":"text","i":-42,"u":42,"n":7,"t":true,"f":false,"a":[1,2]})" "\n");
}

TEST_CASE("json writer: integer extremes") {
    JsonWriter w;
    w.field("min", std::numeric_limits<std::int64_t>::min())
        .field("max", std::numeric_limits<std::int64_t>::max())
        .field("umax", std::numeric_limits<std::uint64_t>::max());
    std::string out = std::move(w).finish();
    json j = json::parse(out);
    CHECK(j["min"] == std::numeric_limits<std::int64_t>::min());
    CHECK(j["max"] == std::numeric_limits<std::int64_t>::max());
    CHECK(j["umax"] == std::numeric_limits<std::uint64_t>::max());
}

TEST_CASE("json writer: string escapes") {
    CHECK(json_quoted("") == "\"\"");
    CHECK(json_quoted("plain") == "\"plain\"");
    CHECK(json_quoted("a\"b") == R"("a\"b")");
    CHECK(json_quoted("a\\b") == R"("a\\b")");
    CHECK(json_quoted("\n\r\t") == R"("\n\r\t")");
    CHECK(json_quoted(std::string(1, '\0')) == R"("\u0000")");
    CHECK(json_quoted("\x1b") == R"("\u001b")");
    CHECK(json_quoted("\x7f") == R"("\u007f")");
    CHECK(json_quoted("\xc3\xa9\xe2\x80\xa8\xf0\x9f\x98\x80") == "\"\xc3\xa9\xe2\x80\xa8\xf0\x9f\x98\x80\"");
}

TEST_CASE("json writer: every ASCII character round-trips and no raw control byte is written") {
    std::string all;
    for (int c = 0; c < 0x80; ++c) all.push_back(static_cast<char>(c));
    all += "\xc2\x85 \xc3\xa9 \xe2\x80\xa9 \xf4\x8f\xbf\xbf";
    JsonWriter w;
    w.field("v", all);
    std::string out = std::move(w).finish();
    CHECK(out.find('\n') == out.size() - 1);
    for (std::size_t i = 0; i + 1 < out.size(); ++i) {
        auto c = static_cast<unsigned char>(out[i]);
        CHECK((c >= 0x20 && c != 0x7f));
    }
    CHECK(json::parse(out)["v"] == all);
}

TEST_CASE("json writer: raw fields are inserted as given") {
    JsonWriter w;
    w.raw_field("o", R"({"k":[true,null]})").field("x", 1);
    std::string out = std::move(w).finish();
    json j = json::parse(out);
    CHECK(j["o"]["k"][0] == true);
    CHECK(j["o"]["k"][1].is_null());
    CHECK(j["x"] == 1);
}

namespace {

// The escaping rule spelled out one byte at a time, to check the writer's
// word-at-a-time scan against.
std::string reference_quoted(std::string_view s) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out = "\"";
    for (char ch : s) {
        auto c = static_cast<unsigned char>(ch);
        if (c == '"') out += "\\\"";
        else if (c == '\\') out += "\\\\";
        else if (c == '\n') out += "\\n";
        else if (c == '\r') out += "\\r";
        else if (c == '\t') out += "\\t";
        else if (c < 0x20 || c == 0x7f) out += std::string("\\u00") + hex[c >> 4] + hex[c & 0xF];
        else out.push_back(ch);
    }
    return out + "\"";
}

}  // namespace

TEST_CASE("json writer: every byte value is escaped alike wherever it falls in a word") {
    // The scan looks at 8 bytes at a time: put each byte at every offset of
    // the first three words and past them, among bytes that never need one.
    for (int b = 0; b < 256; ++b) {
        for (std::size_t at = 0; at < 27; ++at) {
            std::string s(27, 'a');
            s[at] = static_cast<char>(b);
            CAPTURE(b);
            CAPTURE(at);
            CHECK(json_quoted(s) == reference_quoted(s));
        }
    }
    // Bytes just around the escaped ranges, and high bytes, in whole words.
    std::string near = std::string("\x1f\x20\x21\x22\x23\x5b\x5c\x5d\x7e\x7f\x80\xff", 12) + "0123456789abcdef";
    CHECK(json_quoted(near) == reference_quoted(near));
    CHECK(json_quoted("0123456789abcdef") == "\"0123456789abcdef\"");
}

TEST_CASE("json writer: objects longer than its staging buffer come out whole and in order") {
    // Pieces are gathered in a small buffer and flushed when it fills; a
    // piece larger than the buffer goes straight out.
    std::string long_text(1000, 'x');
    long_text[3] = '"';
    long_text[500] = '\n';
    std::string out;
    out = "prefix:";
    JsonWriter w(out);
    for (int i = 0; i < 40; ++i) w.field("key" + std::to_string(i), "value " + std::to_string(i));
    std::string raw = "[";
    for (int i = 0; i < 150; ++i) raw += i ? ",0" : "0";
    raw += "]";
    w.field("long", long_text).field("n", std::int64_t{-7}).raw_field("raw", raw);
    w.close();
    REQUIRE(out.rfind("prefix:", 0) == 0);
    json j = json::parse(out.substr(7));
    for (int i = 0; i < 40; ++i) CHECK(j["key" + std::to_string(i)] == "value " + std::to_string(i));
    CHECK(j["long"] == long_text);
    CHECK(j["n"] == -7);
    CHECK(j["raw"].dump() == raw);
    CHECK(out.back() == '\n');
    CHECK(out.find('\n') == out.size() - 1);
}
