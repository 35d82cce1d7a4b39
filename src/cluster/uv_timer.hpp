#pragma once
// A libuv timer whose handle outlives its owner until libuv is done with it:
// the owner may go away at any time (even from inside the callback) and the
// handle frees itself in its close callback, so no object has to wait for
// the loop to turn.
#include <cstdint>
#include <functional>
#include <uv.h>

namespace parley::cluster {

class Timer {
public:
    explicit Timer(uv_loop_t* loop);
    ~Timer();
    Timer(const Timer&) = delete;
    Timer& operator=(const Timer&) = delete;

    // Runs `fn` after `delay_ms`, then every `repeat_ms` if that is not 0.
    void start(std::uint64_t delay_ms, std::uint64_t repeat_ms, std::function<void()> fn);
    void stop();
    bool active() const;

private:
    struct Handle {
        uv_timer_t timer;
        std::function<void()> fn;
    };
    Handle* h_;
};

}  // namespace parley::cluster
