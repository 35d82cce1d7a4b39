#pragma once
// Time as the core sees it: injected, so that tests control it.
#include <cstdint>

namespace parley {

class Clock {
public:
    virtual ~Clock() = default;
    // Unix time in milliseconds, for `ts` fields.
    virtual std::int64_t wall_ms() const = 0;
    // A monotonic millisecond count, for rate limits and expiry.
    virtual std::int64_t mono_ms() const = 0;
};

}  // namespace parley
