#include <doctest/doctest.h>

#include "backoff.h"

using parley::client::Backoff;

TEST_CASE("backoff doubles up to its cap and resets") {
    Backoff b({.initial_ms = 100, .max_ms = 1000, .factor = 2.0, .jitter = 0.0}, [] { return 0.5; });
    CHECK(b.next_delay_ms() == 100);
    CHECK(b.next_delay_ms() == 200);
    CHECK(b.next_delay_ms() == 400);
    CHECK(b.next_delay_ms() == 800);
    CHECK(b.next_delay_ms() == 1000);
    CHECK(b.next_delay_ms() == 1000);
    CHECK(b.attempts() == 6);
    b.reset();
    CHECK(b.next_delay_ms() == 100);
}

TEST_CASE("jitter stays within its band and under the cap") {
    double u = 0.0;
    Backoff b({.initial_ms = 1000, .max_ms = 1100, .factor = 2.0, .jitter = 0.2}, [&] { return u; });
    CHECK(b.next_delay_ms() == 800);  // 1000 * (1 - 0.2)
    u = 0.999999;
    CHECK(b.next_delay_ms() == 1100);  // 1100 * 1.2 capped
}

TEST_CASE("many attempts do not overflow") {
    Backoff b({.initial_ms = 250, .max_ms = 10000, .factor = 2.0, .jitter = 0.0}, [] { return 0.5; });
    for (int i = 0; i < 200; ++i) CHECK(b.next_delay_ms() <= 10000);
}
