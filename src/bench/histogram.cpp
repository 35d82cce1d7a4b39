#include "histogram.hpp"

#include <charconv>
#include <cmath>

namespace parley::bench {

LatencyHistogram::LatencyHistogram() : counts_(kBuckets, 0) {}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  for (size_t i = 0; i < kBuckets; ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  if (other.count_ && other.min_ < min_) min_ = other.min_;
  if (other.max_ > max_) max_ = other.max_;
}

uint64_t LatencyHistogram::bucket_lower(size_t index) {
  if (index < kDirect) return index;
  const uint64_t k = index - kDirect;
  const int exponent = kSubBits + static_cast<int>(k / kPerOctave);
  const uint64_t mantissa = kPerOctave + k % kPerOctave;
  return mantissa << (exponent - (kSubBits - 1));
}

uint64_t LatencyHistogram::bucket_upper(size_t index) {
  if (index < kDirect) return index;
  const uint64_t k = index - kDirect;
  const int exponent = kSubBits + static_cast<int>(k / kPerOctave);
  const int shift = exponent - (kSubBits - 1);
  const uint64_t mantissa = kPerOctave + k % kPerOctave;
  // The last bucket of octave 63 ends at UINT64_MAX; computing (m+1)<<shift
  // there would overflow, so subtract before shifting back.
  return (mantissa << shift) + ((1ull << shift) - 1);
}

uint64_t LatencyHistogram::percentile(double q) const {
  if (count_ == 0) return 0;
  if (q <= 0) return min();
  if (q >= 100) return max_;
  auto rank = static_cast<uint64_t>(std::ceil(q / 100.0 * static_cast<double>(count_)));
  if (rank == 0) rank = 1;
  uint64_t seen = 0;
  for (size_t i = 0; i < kBuckets; ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      uint64_t v = bucket_upper(i);
      if (v > max_) v = max_;
      if (v < min()) v = min();
      return v;
    }
  }
  return max_;
}

std::string LatencyHistogram::encode() const {
  std::string out;
  out += std::to_string(min()) + ' ' + std::to_string(max_) + ' ' + std::to_string(sum_);
  for (size_t i = 0; i < kBuckets; ++i) {
    if (counts_[i] == 0) continue;
    out += ' ';
    out += std::to_string(i);
    out += ':';
    out += std::to_string(counts_[i]);
  }
  return out;
}

namespace {
bool take_u64(std::string_view& text, uint64_t& value, char end) {
  const char* first = text.data();
  const char* last = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(first, last, value);
  if (ec != std::errc() || ptr == first) return false;
  if (ptr != last) {
    if (*ptr != end) return false;
    ++ptr;
  }
  text.remove_prefix(static_cast<size_t>(ptr - first));
  return true;
}
}  // namespace

bool LatencyHistogram::decode(std::string_view text) {
  LatencyHistogram h;
  uint64_t mn = 0, mx = 0, sum = 0;
  if (!take_u64(text, mn, ' ') || !take_u64(text, mx, ' ') || !take_u64(text, sum, ' ')) return false;
  while (!text.empty()) {
    uint64_t index = 0, n = 0;
    if (!take_u64(text, index, ':') || !take_u64(text, n, ' ')) return false;
    if (index >= kBuckets) return false;
    h.counts_[index] += n;
    h.count_ += n;
  }
  h.sum_ = sum;
  h.max_ = mx;
  h.min_ = h.count_ ? mn : UINT64_MAX;
  *this = std::move(h);
  return true;
}

}  // namespace parley::bench
