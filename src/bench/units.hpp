#pragma once
// Command-line quantities: "50000", "50k", "1.5M" for rates and counts.
#include <optional>
#include <string_view>

namespace parley::bench {

// A non-negative number with an optional k (1e3), M (1e6) or G (1e9) suffix,
// and an optional "/s" after it (so "--rate 20k/s" reads as written).
std::optional<double> parse_quantity(std::string_view text);

}  // namespace parley::bench
