#include <doctest/doctest.h>

#include <string>

#include "line_framer.h"

using parley::client::LineFramer;

TEST_CASE("lines split across reads come out whole") {
    LineFramer f;
    f.feed("{\"a\":");
    CHECK_FALSE(f.next());
    f.feed("1}\r\n{\"b\"");
    auto line = f.next();
    REQUIRE(line);
    CHECK(*line == "{\"a\":1}");
    CHECK_FALSE(f.next());
    f.feed(":2}\n\nx\n");
    CHECK(*f.next() == "{\"b\":2}");
    CHECK(*f.next() == "");
    CHECK(*f.next() == "x");
    CHECK_FALSE(f.next());
    CHECK(f.pending() == 0);
}

TEST_CASE("every way of cutting the bytes gives the same lines") {
    const std::string stream = "one\ntwo\r\nthree\n";
    for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
        LineFramer f;
        f.feed(stream.substr(0, cut));
        std::string seen;
        while (auto l = f.next()) seen += *l + "|";
        f.feed(stream.substr(cut));
        while (auto l = f.next()) seen += *l + "|";
        CHECK(seen == "one|two|three|");
    }
}

TEST_CASE("an over-long line is dropped up to its LF") {
    LineFramer f(8);
    f.feed("0123456789abc");
    CHECK_FALSE(f.next());
    CHECK(f.pending() == 0);
    f.feed("def\nok\n");
    auto l = f.next();
    REQUIRE(l);
    CHECK(*l == "ok");
    CHECK(f.overflowed());
    CHECK_FALSE(f.overflowed());
}

TEST_CASE("an over-long line that arrives complete is dropped too") {
    LineFramer f(4);
    f.feed("toolong\nfine\n");
    CHECK(*f.next() == "fine");
    CHECK(f.overflowed());
}
