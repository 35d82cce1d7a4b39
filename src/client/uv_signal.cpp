#include "uv_signal.h"

namespace parley::client {

struct SignalWatcher::Handle {
    uv_signal_t signal;
    std::function<void()> fn;
};

SignalWatcher::SignalWatcher(uv_loop_t* loop, int signum, std::function<void()> fn)
    : handle_(new Handle{{}, std::move(fn)}) {
    uv_signal_init(loop, &handle_->signal);
    handle_->signal.data = handle_;
    uv_signal_start(&handle_->signal, [](uv_signal_t* s, int) {
        auto* h = static_cast<Handle*>(s->data);
        if (h->fn) h->fn();
    }, signum);
    uv_unref(reinterpret_cast<uv_handle_t*>(&handle_->signal));
}

SignalWatcher::~SignalWatcher() {
    handle_->fn = nullptr;
    uv_close(reinterpret_cast<uv_handle_t*>(&handle_->signal),
             [](uv_handle_t* h) { delete static_cast<Handle*>(h->data); });
}

}  // namespace parley::client
