#pragma once

#include <cstdint>
#include <functional>

#include <uv.h>

namespace parley::client {

// A libuv timer owned by a C++ object. The uv handle lives in its own heap
// block that is freed in the close callback, so destroying the Timer at any
// moment (even from inside its own callback) is safe.
class Timer {
public:
    explicit Timer(uv_loop_t* loop);
    ~Timer();
    Timer(const Timer&) = delete;
    Timer& operator=(const Timer&) = delete;

    void start(std::uint64_t delay_ms, std::function<void()> fn);
    void stop();
    bool active() const;

private:
    struct Handle;
    Handle* handle_;
};

}  // namespace parley::client
