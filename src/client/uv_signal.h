#pragma once

#include <functional>

#include <uv.h>

namespace parley::client {

// Runs `fn` on the event loop when the signal arrives. The watcher does not
// keep the loop alive by itself. Handle memory is freed in the close callback.
class SignalWatcher {
public:
    SignalWatcher(uv_loop_t* loop, int signum, std::function<void()> fn);
    ~SignalWatcher();
    SignalWatcher(const SignalWatcher&) = delete;
    SignalWatcher& operator=(const SignalWatcher&) = delete;

private:
    struct Handle;
    Handle* handle_;
};

}  // namespace parley::client
