#include "units.hpp"

#include <cmath>
#include <cstdlib>
#include <string>

namespace parley::bench {

std::optional<double> parse_quantity(std::string_view text) {
  if (text.size() >= 2 && text.substr(text.size() - 2) == "/s") text.remove_suffix(2);
  if (text.empty()) return std::nullopt;
  double scale = 1.0;
  switch (text.back()) {
    case 'k':
    case 'K':
      scale = 1e3;
      break;
    case 'm':
    case 'M':
      scale = 1e6;
      break;
    case 'g':
    case 'G':
      scale = 1e9;
      break;
    default:
      break;
  }
  if (scale != 1.0) text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  for (char ch : text)
    if (!((ch >= '0' && ch <= '9') || ch == '.')) return std::nullopt;
  const std::string owned(text);
  char* end = nullptr;
  const double v = std::strtod(owned.c_str(), &end);
  if (end != owned.c_str() + owned.size() || !std::isfinite(v) || v < 0) return std::nullopt;
  return v * scale;
}

}  // namespace parley::bench
