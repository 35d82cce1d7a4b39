#include <doctest/doctest.h>

#include <cstdint>
#include <random>

#include "histogram.hpp"

using parley::bench::LatencyHistogram;

TEST_SUITE("bench") {
  TEST_CASE("small values have a bucket each and are exact") {
    LatencyHistogram h;
    for (uint64_t v = 1; v <= 100; ++v) h.record(v);
    CHECK(h.count() == 100);
    CHECK(h.min() == 1);
    CHECK(h.max() == 100);
    CHECK(h.percentile(50) == 50);
    CHECK(h.percentile(99) == 99);
    CHECK(h.percentile(100) == 100);
    CHECK(h.mean() == doctest::Approx(50.5));
  }

  TEST_CASE("bucket bounds tile the whole range without gaps") {
    for (size_t i = 0; i + 1 < LatencyHistogram::kBuckets; ++i) {
      REQUIRE(LatencyHistogram::bucket_upper(i) + 1 == LatencyHistogram::bucket_lower(i + 1));
    }
    CHECK(LatencyHistogram::bucket_upper(LatencyHistogram::kBuckets - 1) == UINT64_MAX);
  }

  TEST_CASE("every value lands in the bucket whose bounds hold it") {
    std::mt19937_64 rng(42);
    for (int k = 0; k < 100000; ++k) {
      const uint64_t v = rng() >> (rng() % 64);
      const size_t i = LatencyHistogram::bucket_index(v);
      REQUIRE(i < LatencyHistogram::kBuckets);
      REQUIRE(LatencyHistogram::bucket_lower(i) <= v);
      REQUIRE(v <= LatencyHistogram::bucket_upper(i));
    }
    CHECK(LatencyHistogram::bucket_index(UINT64_MAX) == LatencyHistogram::kBuckets - 1);
  }

  TEST_CASE("percentiles of large values are within 1/128 above the truth") {
    LatencyHistogram h;
    // 1..100000 microseconds in nanoseconds: the p-th percentile is p*1000 us.
    for (uint64_t us = 1; us <= 100000; ++us) h.record(us * 1000);
    for (double q : {50.0, 90.0, 99.0, 99.9}) {
      const double truth = q * 1000.0 * 1000.0;
      const double got = static_cast<double>(h.percentile(q));
      CHECK(got >= truth);
      CHECK(got <= truth * (1.0 + 1.0 / 128.0));
    }
    CHECK(h.max() == 100000ull * 1000);
  }

  TEST_CASE("a percentile never reports beyond the recorded extremes") {
    LatencyHistogram h;
    h.record(1000001);
    CHECK(h.percentile(50) == 1000001);
    CHECK(h.percentile(0) == 1000001);
    LatencyHistogram empty;
    CHECK(empty.percentile(99) == 0);
    CHECK(empty.min() == 0);
  }

  TEST_CASE("merging adds counts and keeps extremes") {
    LatencyHistogram a, b;
    for (int i = 0; i < 90; ++i) a.record(10);
    for (int i = 0; i < 10; ++i) b.record(5000000);
    b.record(3);
    a.merge(b);
    CHECK(a.count() == 101);
    CHECK(a.min() == 3);
    CHECK(a.max() == 5000000);
    CHECK(a.percentile(50) == 10);
    CHECK(a.percentile(95) >= 5000000);
  }

  TEST_CASE("encode and decode round-trip, and garbage is refused") {
    LatencyHistogram h;
    for (uint64_t v : {5ull, 5ull, 300ull, 123456789ull}) h.record(v);
    LatencyHistogram back;
    REQUIRE(back.decode(h.encode()));
    CHECK(back.count() == 4);
    CHECK(back.min() == 5);
    CHECK(back.max() == 123456789);
    CHECK(back.mean() == doctest::Approx(h.mean()));
    CHECK(back.percentile(50) == h.percentile(50));
    CHECK(back.percentile(99.9) == h.percentile(99.9));

    LatencyHistogram empty, empty_back;
    CHECK(empty_back.decode(empty.encode()));
    CHECK(empty_back.count() == 0);

    LatencyHistogram bad;
    CHECK_FALSE(bad.decode("1 2"));
    CHECK_FALSE(bad.decode("1 2 3 x:1"));
    CHECK_FALSE(bad.decode("1 2 3 999999999:1"));
  }
}
