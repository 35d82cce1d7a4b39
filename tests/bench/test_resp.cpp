#include <doctest/doctest.h>

#include <string>

#include "resp.hpp"

namespace resp = parley::bench::resp;

TEST_SUITE("bench") {
  TEST_CASE("commands are arrays of bulk strings") {
    std::string out;
    resp::append_command(out, {"PUBLISH", "r0", "hello world"});
    CHECK(out == "*3\r\n$7\r\nPUBLISH\r\n$2\r\nr0\r\n$11\r\nhello world\r\n");
    out.clear();
    resp::append_command(out, {"ECHO", ""});
    CHECK(out == "*2\r\n$4\r\nECHO\r\n$0\r\n\r\n");
  }

  TEST_CASE("scalar replies") {
    resp::Reply r;
    CHECK(resp::parse("+PONG\r\n", r) == 7);
    CHECK(r.value.type == resp::Type::Simple);
    CHECK(r.value.str == "PONG");
    CHECK(resp::parse(":42\r\n", r) == 5);
    CHECK(r.value.type == resp::Type::Integer);
    CHECK(r.value.integer == 42);
    CHECK(resp::parse(":-7\r\n", r) == 5);
    CHECK(r.value.integer == -7);
    CHECK(resp::parse("-ERR unknown command\r\n", r) == 22);
    CHECK(r.value.type == resp::Type::Error);
    CHECK(r.value.str == "ERR unknown command");
    CHECK(resp::parse("$5\r\nhe\r\no\r\n", r) == 11);
    CHECK(r.value.type == resp::Type::Bulk);
    CHECK(r.value.str == "he\r\no");  // bulk strings are binary-safe
    CHECK(resp::parse("$-1\r\n", r) == 5);
    CHECK(r.value.type == resp::Type::Null);
  }

  TEST_CASE("a pub/sub message push exposes channel and payload") {
    const std::string msg = "*3\r\n$7\r\nmessage\r\n$2\r\nr7\r\n$5\r\n12 xx\r\n";
    resp::Reply r;
    REQUIRE(resp::parse(msg, r) == msg.size());
    CHECK(r.value.type == resp::Type::Array);
    REQUIRE(r.captured == 3);
    CHECK(r.elements[0].str == "message");
    CHECK(r.elements[1].str == "r7");
    CHECK(r.elements[2].str == "12 xx");
  }

  TEST_CASE("every strict prefix of a reply is incomplete, never malformed") {
    const std::string msg =
        "*3\r\n$9\r\nsubscribe\r\n$2\r\nr0\r\n:1\r\n";
    resp::Reply r;
    for (size_t n = 0; n < msg.size(); ++n) {
      CAPTURE(n);
      CHECK(resp::parse(std::string_view(msg).substr(0, n), r) == 0);
    }
    CHECK(resp::parse(msg, r) == msg.size());
  }

  TEST_CASE("nested aggregates are skipped exactly and replies split apart") {
    // A HELLO 2 reply holds an empty array ("modules"); two replies back to back.
    const std::string first = "*4\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nmodules\r\n*0\r\n";
    const std::string second = "*2\r\n*2\r\n:1\r\n:2\r\n+OK\r\n";
    const std::string both = first + second;
    resp::Reply r;
    REQUIRE(resp::parse(both, r) == first.size());
    CHECK(r.captured == 4);
    CHECK(r.elements[3].type == resp::Type::Array);
    CHECK(r.elements[3].integer == 0);
    REQUIRE(resp::parse(std::string_view(both).substr(first.size()), r) == second.size());
    CHECK(r.captured == 2);
    CHECK(r.elements[1].str == "OK");
  }

  TEST_CASE("RESP3 push, map and null") {
    resp::Reply r;
    const std::string push = ">3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$1\r\nx\r\n";
    CHECK(resp::parse(push, r) == push.size());
    CHECK(r.value.type == resp::Type::Push);
    const std::string map = "%1\r\n+a\r\n:1\r\n";
    CHECK(resp::parse(map, r) == map.size());
    CHECK(r.captured == 2);
    CHECK(resp::parse("_\r\n", r) == 3);
    CHECK(r.value.type == resp::Type::Null);
  }

  TEST_CASE("malformed input is refused") {
    resp::Reply r;
    CHECK(resp::parse("?what\r\n", r) == resp::kMalformed);
    CHECK(resp::parse(":12a\r\n", r) == resp::kMalformed);
    CHECK(resp::parse("$3\r\nabcd\r\n", r) == resp::kMalformed);  // length lies
    CHECK(resp::parse("$-2\r\n", r) == resp::kMalformed);
    CHECK(resp::parse(":99999999999999999999\r\n", r) == resp::kMalformed);
    std::string deep;
    for (int i = 0; i < 100; ++i) deep += "*1\r\n";
    deep += ":1\r\n";
    CHECK(resp::parse(deep, r) == resp::kMalformed);
  }
}
