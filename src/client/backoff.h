#pragma once

#include <cstdint>
#include <functional>

namespace parley::client {

// Delay schedule for reconnect attempts: exponential growth up to a cap, with
// jitter so that many clients cut off by the same server restart do not all
// come back in the same millisecond.
class Backoff {
public:
    struct Params {
        std::uint64_t initial_ms = 250;
        std::uint64_t max_ms = 10'000;
        double factor = 2.0;
        double jitter = 0.2;  // each delay is scaled by a factor in [1-jitter, 1+jitter]
    };

    // `uniform` returns a number in [0, 1); injected so tests are deterministic.
    explicit Backoff(Params params, std::function<double()> uniform = {});

    // The delay before the next attempt; each call grows the following one.
    std::uint64_t next_delay_ms();

    // Back to the initial delay, after a connection that worked.
    void reset() { attempt_ = 0; }

    unsigned attempts() const { return attempt_; }

private:
    Params params_;
    std::function<double()> uniform_;
    unsigned attempt_ = 0;
};

}  // namespace parley::client
