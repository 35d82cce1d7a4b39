#pragma once
// Per-connection frame rate limit (--rate/--burst). The bucket starts full and
// refills continuously; a frame costs one token.
#include <algorithm>
#include <cmath>
#include <cstdint>

namespace parley {

class TokenBucket {
public:
    TokenBucket(double burst, std::int64_t now_ms) : tokens_(burst), last_ms_(now_ms) {}

    // True when the frame may run. Otherwise `retry_after_ms` says when the
    // next token will be there.
    bool take(double rate_per_s, double burst, std::int64_t now_ms, std::int64_t& retry_after_ms) {
        if (rate_per_s <= 0) return true;
        double tokens = std::min(burst, tokens_ + static_cast<double>(now_ms - last_ms_) * rate_per_s / 1000.0);
        last_ms_ = now_ms;
        // The slack absorbs rounding, so a frame sent retry_after_ms later is
        // accepted as promised.
        if (tokens >= 1.0 - 1e-9) {
            tokens_ = std::max(0.0, tokens - 1.0);
            return true;
        }
        tokens_ = tokens;
        retry_after_ms = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil((1.0 - tokens) * 1000.0 / rate_per_s)));
        return false;
    }

private:
    // Rate and burst are server-wide and passed in, so each connection pays
    // for only these two fields.
    double tokens_;
    std::int64_t last_ms_;
};

}  // namespace parley
