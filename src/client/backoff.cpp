#include "backoff.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>

namespace parley::client {

Backoff::Backoff(Params params, std::function<double()> uniform)
    : params_(params), uniform_(std::move(uniform)) {
    if (!uniform_) {
        auto engine = std::make_shared<std::minstd_rand>(std::random_device{}());
        uniform_ = [engine] { return std::uniform_real_distribution<double>(0.0, 1.0)(*engine); };
    }
}

std::uint64_t Backoff::next_delay_ms() {
    double base = static_cast<double>(params_.initial_ms) *
                  std::pow(params_.factor, static_cast<double>(std::min(attempt_, 32u)));
    base = std::min(base, static_cast<double>(params_.max_ms));
    ++attempt_;
    double scale = 1.0 + params_.jitter * (2.0 * uniform_() - 1.0);
    double delay = std::clamp(base * scale, 0.0, static_cast<double>(params_.max_ms));
    return static_cast<std::uint64_t>(std::llround(delay));
}

}  // namespace parley::client
