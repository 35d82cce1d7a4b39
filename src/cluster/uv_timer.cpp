#include "uv_timer.hpp"

namespace parley::cluster {

Timer::Timer(uv_loop_t* loop) : h_(new Handle{}) {
    uv_timer_init(loop, &h_->timer);
    h_->timer.data = h_;
}

Timer::~Timer() {
    uv_close(reinterpret_cast<uv_handle_t*>(&h_->timer),
             [](uv_handle_t* h) { delete static_cast<Handle*>(h->data); });
}

void Timer::start(std::uint64_t delay_ms, std::uint64_t repeat_ms, std::function<void()> fn) {
    h_->fn = std::move(fn);
    uv_timer_start(
        &h_->timer,
        [](uv_timer_t* t) {
            // A copy: the callback may restart this timer with another function.
            auto fn = static_cast<Handle*>(t->data)->fn;
            fn();
        },
        delay_ms, repeat_ms);
}

void Timer::stop() { uv_timer_stop(&h_->timer); }

bool Timer::active() const { return uv_is_active(reinterpret_cast<const uv_handle_t*>(&h_->timer)) != 0; }

}  // namespace parley::cluster
