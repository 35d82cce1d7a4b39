#pragma once
// The core's Clock on a libuv loop: monotonic time is the loop's cached time,
// read once per iteration rather than once per frame.
#include <chrono>
#include <uv.h>

#include "parley/clock.hpp"

namespace parley::server {

class LoopClock final : public Clock {
public:
    explicit LoopClock(uv_loop_t* loop) : loop_(loop) {}
    std::int64_t wall_ms() const override {
        using namespace std::chrono;
        return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
    }
    std::int64_t mono_ms() const override { return static_cast<std::int64_t>(uv_now(loop_)); }

private:
    uv_loop_t* loop_;
};

}  // namespace parley::server
