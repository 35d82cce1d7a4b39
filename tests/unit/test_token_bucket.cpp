// The per-connection frame rate limit (--rate/--burst).
#include "parley/token_bucket.hpp"

#include "doctest.hpp"

using parley::TokenBucket;

namespace {

struct Bucket {
    Bucket(double rate, double burst) : rate(rate), burst(burst), bucket(burst, now) {}

    bool take() { return bucket.take(rate, burst, now, retry_after_ms); }

    double rate;
    double burst;
    std::int64_t now = 1000;
    std::int64_t retry_after_ms = -1;
    TokenBucket bucket;
};

}  // namespace

TEST_CASE("token bucket: starts full, so a burst goes through at once") {
    Bucket b(10, 5);
    for (int i = 0; i < 5; ++i) CHECK(b.take());
    CHECK_FALSE(b.take());
    CHECK(b.retry_after_ms == 100);
}

TEST_CASE("token bucket: refills continuously at the rate") {
    Bucket b(10, 1);
    CHECK(b.take());
    b.now += 50;  // half a token
    CHECK_FALSE(b.take());
    CHECK(b.retry_after_ms == 50);
    b.now += 50;
    CHECK(b.take());
    CHECK_FALSE(b.take());
}

TEST_CASE("token bucket: never holds more than the burst") {
    Bucket b(100, 3);
    b.now += 3'600'000;
    for (int i = 0; i < 3; ++i) CHECK(b.take());
    CHECK_FALSE(b.take());
}

TEST_CASE("token bucket: retry_after_ms is at least 1") {
    Bucket b(1'000'000, 1);
    CHECK(b.take());
    CHECK_FALSE(b.take());
    CHECK(b.retry_after_ms >= 1);
}

TEST_CASE("token bucket: rate 0 means no limit") {
    Bucket b(0, 1);
    for (int i = 0; i < 10000; ++i) REQUIRE(b.take());
}

TEST_CASE("token bucket: a steady client at the rate is never refused") {
    Bucket b(200, 400);
    for (int i = 0; i < 400; ++i) REQUIRE(b.take());
    for (int i = 0; i < 2000; ++i) {
        b.now += 5;  // exactly 200 per second
        REQUIRE(b.take());
    }
}

TEST_CASE("token bucket: a frame sent exactly retry_after_ms later is accepted") {
    // PROTOCOL.md: retry_after_ms says when the next frame would be accepted.
    SUBCASE("rate 10, burst 1, refused 2 ms after the last token") {
        Bucket b(10, 1);
        REQUIRE(b.take());
        b.now += 2;
        REQUIRE_FALSE(b.take());
        CHECK(b.retry_after_ms == 98);
        b.now += b.retry_after_ms;
        CHECK(b.take());
    }
    SUBCASE("many rates and timings") {
        int late = 0;
        for (int rate = 1; rate <= 1000; rate += 3) {
            Bucket b(rate, 2);
            for (int i = 0; i < 100; ++i) {
                if (b.take()) {
                    b.now += i % 5;
                    continue;
                }
                b.now += b.retry_after_ms;
                if (!b.take()) ++late;
            }
        }
        CHECK(late == 0);
    }
}

TEST_CASE("token bucket: one millisecond before retry_after_ms is still too early") {
    for (int rate : {1, 7, 10, 33, 200, 999}) {
        CAPTURE(rate);
        Bucket b(rate, 1);
        REQUIRE(b.take());
        REQUIRE_FALSE(b.take());
        std::int64_t wait = b.retry_after_ms;
        if (wait <= 1) continue;
        b.now += wait - 1;
        CHECK_FALSE(b.take());
    }
}
