#include <doctest/doctest.h>

#include <string>

#include "json_scan.hpp"

using parley::bench::parse_u64_prefix;
using parley::bench::scan_frame;
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

  TEST_CASE("send times are read from the front of a text") {
    uint64_t v = 0;
    CHECK(parse_u64_prefix("1234567 xxxx", v));
    CHECK(v == 1234567);
    CHECK(parse_u64_prefix("18446744073709551615", v));
    CHECK(v == UINT64_MAX);
    CHECK_FALSE(parse_u64_prefix("18446744073709551616", v));
    CHECK_FALSE(parse_u64_prefix(" 12", v));
    CHECK_FALSE(parse_u64_prefix("", v));
  }
}
