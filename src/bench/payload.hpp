#pragma once
// Chat payloads: "<send-time-ns> xxxx..." padded to the requested size, so a
// receiver in any worker process can compute the end-to-end latency.
#include <charconv>
#include <cstdint>
#include <string>

namespace parley::bench {

class PayloadMaker {
 public:
  explicit PayloadMaker(uint32_t size) : size_(size), padding_(size, 'x') {}

  // Fills `out` with the payload for a message sent at `send_ns`.
  const std::string& make(uint64_t send_ns) {
    char digits[24];
    const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, send_ns);
    (void)ec;
    const size_t n = static_cast<size_t>(end - digits);
    scratch_.assign(digits, n);
    if (size_ > n + 1) {
      scratch_ += ' ';
      scratch_.append(padding_, 0, size_ - n - 1);
    }
    return scratch_;
  }

  const std::string& padding() const { return padding_; }

 private:
  uint32_t size_;
  std::string padding_;
  std::string scratch_;
};

}  // namespace parley::bench

namespace parley::bench {

// Room r is called "r<r>" on every target.
inline std::string room_name(uint32_t r) {
  std::string name("r");
  name += std::to_string(r);
  return name;
}

}  // namespace parley::bench
