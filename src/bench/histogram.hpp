#pragma once
// A log-bucketed latency histogram in the manner of HdrHistogram: values below
// 2^kSubBits nanoseconds have a bucket each, and every octave above is cut into
// 2^(kSubBits-1) equal buckets, so a reported percentile is never more than
// 1/128 (0.8%) above the true value, whatever the scale. Recording is one
// count-leading-zeros and an increment: cheap enough for every delivery.
// Histograms from several worker processes merge by adding counts.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace parley::bench {

class LatencyHistogram {
 public:
  static constexpr int kSubBits = 8;
  static constexpr uint64_t kDirect = 1ull << kSubBits;         // values with a bucket each
  static constexpr uint64_t kPerOctave = 1ull << (kSubBits - 1);
  static constexpr size_t kBuckets = kDirect + (64 - kSubBits) * kPerOctave;

  LatencyHistogram();

  void record(uint64_t value) {
    ++counts_[bucket_index(value)];
    ++count_;
    sum_ += value;
    if (value < min_) min_ = value;
    if (value > max_) max_ = value;
  }

  void merge(const LatencyHistogram& other);

  uint64_t count() const { return count_; }
  uint64_t min() const { return count_ ? min_ : 0; }
  uint64_t max() const { return max_; }
  double mean() const { return count_ ? static_cast<double>(sum_) / static_cast<double>(count_) : 0.0; }

  // The smallest recorded-bucket bound such that at least q percent of the
  // values are at or below it (q in [0, 100]); clamped to [min, max].
  uint64_t percentile(double q) const;

  // Sparse text form "min max sum idx:count idx:count ..." used to carry a
  // worker's histogram to the parent process.
  std::string encode() const;
  bool decode(std::string_view text);

  static size_t bucket_index(uint64_t value) {
    if (value < kDirect) return static_cast<size_t>(value);
    const int exponent = 63 - __builtin_clzll(value);
    const int shift = exponent - (kSubBits - 1);
    const uint64_t mantissa = value >> shift;  // in [kPerOctave, kDirect)
    return static_cast<size_t>(kDirect + static_cast<uint64_t>(exponent - kSubBits) * kPerOctave +
                               (mantissa - kPerOctave));
  }
  static uint64_t bucket_lower(size_t index);
  static uint64_t bucket_upper(size_t index);

 private:
  std::vector<uint64_t> counts_;
  uint64_t count_ = 0;
  uint64_t sum_ = 0;
  uint64_t min_ = UINT64_MAX;
  uint64_t max_ = 0;
};

}  // namespace parley::bench
