#include "uv_timer.h"

namespace parley::client {

struct Timer::Handle {
    uv_timer_t timer;
    std::function<void()> fn;
};

Timer::Timer(uv_loop_t* loop) : handle_(new Handle) {
    uv_timer_init(loop, &handle_->timer);
    handle_->timer.data = handle_;
}

Timer::~Timer() {
    handle_->fn = nullptr;
    uv_close(reinterpret_cast<uv_handle_t*>(&handle_->timer),
             [](uv_handle_t* h) { delete static_cast<Handle*>(h->data); });
}

void Timer::start(std::uint64_t delay_ms, std::function<void()> fn) {
    handle_->fn = std::move(fn);
    uv_timer_start(
        &handle_->timer,
        [](uv_timer_t* t) {
            auto* h = static_cast<Handle*>(t->data);
            // Move out first: the callback may restart or destroy this timer.
            auto fn = std::move(h->fn);
            h->fn = nullptr;
            if (fn) fn();
        },
        delay_ms, 0);
}

void Timer::stop() {
    uv_timer_stop(&handle_->timer);
    handle_->fn = nullptr;
}

bool Timer::active() const {
    return uv_is_active(reinterpret_cast<const uv_handle_t*>(&handle_->timer)) != 0;
}

}  // namespace parley::client
