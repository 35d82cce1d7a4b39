#include <doctest/doctest.h>

#include "rtt_stats.h"

using parley::client::RttStats;

TEST_CASE("rtt statistics and loss") {
    RttStats s;
    for (int i = 0; i < 4; ++i) s.sent();
    s.received(1.0);
    s.received(2.0);
    s.received(3.0);
    CHECK(s.loss_percent() == doctest::Approx(25.0));
    CHECK(s.min() == doctest::Approx(1.0));
    CHECK(s.max() == doctest::Approx(3.0));
    CHECK(s.avg() == doctest::Approx(2.0));
    CHECK(s.mdev() == doctest::Approx(2.0 / 3.0));
    auto lines = s.summary();
    REQUIRE(lines.size() == 2);
    CHECK(lines[0] == "4 sent, 3 received, 25% loss");
    CHECK(lines[1] == "rtt min/avg/max/mdev = 1.000/2.000/3.000/0.667 ms");
}

TEST_CASE("no replies: no rtt line") {
    RttStats s;
    s.sent();
    auto lines = s.summary();
    REQUIRE(lines.size() == 1);
    CHECK(lines[0] == "1 sent, 0 received, 100% loss");
}
