#include <doctest/doctest.h>

#include "units.hpp"

using parley::bench::parse_quantity;

TEST_SUITE("bench") {
  TEST_CASE("rates take k, M and G suffixes and an optional /s") {
    CHECK(*parse_quantity("0") == 0.0);
    CHECK(*parse_quantity("250") == 250.0);
    CHECK(*parse_quantity("20k") == 20000.0);
    CHECK(*parse_quantity("1.5M") == 1500000.0);
    CHECK(*parse_quantity("2G") == 2e9);
    CHECK(*parse_quantity("20k/s") == 20000.0);
  }

  TEST_CASE("anything else is refused") {
    CHECK_FALSE(parse_quantity(""));
    CHECK_FALSE(parse_quantity("k"));
    CHECK_FALSE(parse_quantity("-5"));
    CHECK_FALSE(parse_quantity("5x"));
    CHECK_FALSE(parse_quantity("1e5"));
    CHECK_FALSE(parse_quantity("/s"));
  }
}
