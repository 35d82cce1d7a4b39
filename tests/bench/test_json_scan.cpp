#include <doctest/doctest.h>

#include <charconv>
#include <random>
#include <string>

#include "json_scan.hpp"

using parley::bench::parse_u64_prefix;
using parley::bench::scan_frame;
using parley::bench::scan_object;
using parley::bench::ScannedFrame;

TEST_SUITE("bench") {
  TEST_CASE("a message event yields its type and text") {
    ScannedFrame f;
    REQUIRE(scan_frame(R"({"type":"message","room":"r0","from":"guest7","text":"1234 xx","seq":9,"ts":17})", f));
    CHECK(f.type == "message");
    CHECK(f.text == "1234 xx");
    CHECK_FALSE(f.text_escaped);
    CHECK(f.for_.empty());
  }

  TEST_CASE("ok and error replies yield for and code") {
    ScannedFrame f;
    REQUIRE(scan_frame(R"({"type":"ok","for":"say","id":3,"room":"r0","seq":1,"ts":2})", f));
    CHECK(f.type == "ok");
    CHECK(f.for_ == "say");
    REQUIRE(scan_frame(R"({"type":"error","for":"join","code":"too_many_rooms","message":"x"})", f));
    CHECK(f.code == "too_many_rooms");
  }

  TEST_CASE("field names inside values are not fields") {
    ScannedFrame f;
    // The text and a nested object both mention "type" and "text".
    REQUIRE(scan_frame(
        R"({"from":"a","text":"\"type\":\"ok\",\"text\":\"no\"","meta":{"type":"x","text":["}","{"]},"type":"message"})",
        f));
    CHECK(f.type == "message");
    CHECK(f.text == R"(\"type\":\"ok\",\"text\":\"no\")");
    CHECK(f.text_escaped);
  }

  TEST_CASE("escaped quotes and backslashes end strings correctly") {
    ScannedFrame f;
    REQUIRE(scan_frame(R"({"text":"a\\","type":"message"})", f));
    CHECK(f.text == R"(a\\)");
    CHECK(f.type == "message");
    REQUIRE(scan_frame(R"({"text":"a\\\"b","type":"ok"})", f));
    CHECK(f.text == R"(a\\\"b)");
  }

  TEST_CASE("arrays, numbers, literals and whitespace are skipped") {
    ScannedFrame f;
    REQUIRE(scan_frame(
        R"( { "members" : ["a","b"] , "n" : -1.5e3 , "t" : true , "z" : null , "type" : "ok" , "for" : "join" } )", f));
    CHECK(f.type == "ok");
    CHECK(f.for_ == "join");
    REQUIRE(scan_frame("{}", f));
    CHECK(f.type.empty());
  }

  TEST_CASE("lines that are not one JSON object are refused") {
    ScannedFrame f;
    CHECK_FALSE(scan_frame("", f));
    CHECK_FALSE(scan_frame("+ joined r0", f));
    CHECK_FALSE(scan_frame(R"(["type","message"])", f));
    CHECK_FALSE(scan_frame(R"({"type":"message")", f));
    CHECK_FALSE(scan_frame(R"({"type":"mess)", f));
    CHECK_FALSE(scan_frame(R"({"type" "message"})", f));
    CHECK_FALSE(scan_frame(R"({"type":"ok"} trailing)", f));
    CHECK_FALSE(scan_frame(R"({"a":{"b":1})", f));
    CHECK_FALSE(scan_frame(R"({"a":})", f));
    CHECK_FALSE(scan_frame(R"({"text":"a\"})", f));  // the only closing quote is escaped
    CHECK_FALSE(scan_frame(R"({"text":"a\)", f));    // ends inside an escape
  }

  TEST_CASE("a non-string type is not taken as a type") {
    ScannedFrame f;
    REQUIRE(scan_frame(R"({"type":5,"text":"1"})", f));
    CHECK(f.type.empty());
    CHECK(f.text == "1");
  }

  TEST_CASE("message events read directly agree with the general walk") {
    // scan_frame reads parleyd's own message layout without the general walk;
    // every variant of such a line, near-misses included, must come out the
    // same either way.
    const std::string line = R"({"type":"message","room":"r0","from":"guest7","text":"1234 xx","seq":9,"ts":17})";
    auto same = [](const std::string& l) {
      ScannedFrame a, b;
      const bool ra = scan_frame(l, a), rb = scan_object(l, b);
      CHECK_MESSAGE(ra == rb, l);
      if (!ra || !rb) return;
      CHECK_MESSAGE(a.type == b.type, l);
      CHECK_MESSAGE(a.text == b.text, l);
      CHECK_MESSAGE(a.text_escaped == b.text_escaped, l);
      CHECK_MESSAGE(a.for_ == b.for_, l);
      CHECK_MESSAGE(a.code == b.code, l);
    };
    same(line);
    same(line + " ");
    same(line + "}");
    for (size_t i = 0; i <= line.size(); ++i) same(line.substr(0, i));
    for (size_t i = 0; i < line.size(); ++i) {
      for (char ch : std::string("\"\\ ,:}{x9")) {
        std::string m = line;
        m[i] = ch;
        same(m);
      }
      std::string gap = line;
      gap.erase(i, 1);
      same(gap);
    }
    same(R"({"type":"message","room":"r0","from":"a\"b","text":"1","seq":1,"ts":2})");
    same(R"({"type":"message","room":"r0","from":"guest7","text":"1 \\","seq":1,"ts":2})");
    same(R"({"type":"message","room":"","from":"","text":"","seq":0,"ts":0})");
  }

  TEST_CASE("send times are read from the front of a text") {
    uint64_t v = 0;
    CHECK(parse_u64_prefix("1234567 xxxx", v));
    CHECK(v == 1234567);
    CHECK(parse_u64_prefix("18446744073709551615", v));
    CHECK(v == UINT64_MAX);
    CHECK_FALSE(parse_u64_prefix("18446744073709551616", v));
    CHECK_FALSE(parse_u64_prefix("99999999999999999999", v));
    CHECK_FALSE(parse_u64_prefix("184467440737095516150", v));
    CHECK_FALSE(parse_u64_prefix(" 12", v));
    CHECK(parse_u64_prefix("00000000000000000000000042", v));
    CHECK(v == 42);
    CHECK(parse_u64_prefix("12345678:9", v));
    CHECK(v == 12345678);
    // Every length and digit position, against the standard library.
    std::mt19937_64 rng(7);
    for (int n = 0; n < 20000; ++n) {
      const uint64_t want = rng() >> (rng() % 64);
      char digits[24];
      const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, want);
      REQUIRE(ec == std::errc{});
      const std::string s = std::string(digits, end) + (n % 2 ? " xx" : "");
      uint64_t got = 0;
      REQUIRE(parse_u64_prefix(s, got));
      CHECK_MESSAGE(got == want, s);
    }
    CHECK_FALSE(parse_u64_prefix("", v));
  }
}
