#include "timed_run.hpp"

#include <charconv>

#include "clock.hpp"
#include "proc_stats.hpp"

namespace parley::bench {

namespace {
uint64_t seconds_to_ns(double s) { return static_cast<uint64_t>(s * 1e9); }
}  // namespace

TimedRun::TimedRun(uv_loop_t* loop, WorkerLink& link, const Options& opt, TimedDriver& driver,
                   WorkerResult& result)
    : loop_(loop), link_(link), opt_(opt), driver_(driver), result_(result) {
  uv_timer_init(loop_, &phase_timer_);
  uv_timer_init(loop_, &drain_timer_);
  uv_timer_init(loop_, &progress_timer_);
  phase_timer_.data = drain_timer_.data = progress_timer_.data = this;
  link_.watch(loop_, [this](std::string_view line) { on_command(line); });
}

void TimedRun::setup_done() { link_.send("ready"); }

void TimedRun::setup_failed(const std::string& why) {
  link_.send("fail " + why);
  finish(false);
}

void TimedRun::on_command(std::string_view line) {
  if (done_) return;
  if (line.rfind("go ", 0) == 0) {
    const std::string_view t = line.substr(3);
    std::from_chars(t.data(), t.data() + t.size(), go_ns_);
    window_start_ = go_ns_ + seconds_to_ns(opt_.warmup_s);
    window_end_ = window_start_ + seconds_to_ns(opt_.duration_s);
    arm(go_ns_, on_go);
    uv_timer_start(&progress_timer_, on_progress, 500, 500);
  } else if (line == "abort" || line == "stop") {
    finish(false);
  }
}

void TimedRun::arm(uint64_t at_ns, void (*cb)(uv_timer_t*)) {
  const uint64_t now = now_ns();
  // uv timers have millisecond resolution; round up so a phase never starts early.
  const uint64_t delay_ms = at_ns > now ? (at_ns - now + 999999) / 1000000 : 0;
  uv_timer_start(&phase_timer_, cb, delay_ms, 0);
}

void TimedRun::on_go(uv_timer_t* t) {
  auto* self = static_cast<TimedRun*>(t->data);
  self->sending_ = true;
  self->driver_.start_sending(now_ns());
  self->arm(self->window_start_, on_window_start);
}

void TimedRun::on_window_start(uv_timer_t* t) {
  auto* self = static_cast<TimedRun*>(t->data);
  self->cpu_at_start_ = self_cpu_seconds();
  self->arm(self->window_end_, on_window_end);
}

void TimedRun::on_window_end(uv_timer_t* t) {
  auto* self = static_cast<TimedRun*>(t->data);
  self->result_.cpu_s = self_cpu_seconds() - self->cpu_at_start_;
  self->result_.window_s = self->opt_.duration_s;
  self->sending_ = false;
  self->driver_.stop_sending();
  self->drain_deadline_ = now_ns() + seconds_to_ns(self->opt_.drain_s);
  uv_timer_start(&self->drain_timer_, on_drain_tick, 10, 10);
}

void TimedRun::on_drain_tick(uv_timer_t* t) {
  auto* self = static_cast<TimedRun*>(t->data);
  const uint64_t now = now_ns();
  if (self->driver_.drained(now)) {
    self->finish(true);
  } else if (now >= self->drain_deadline_) {
    self->result_.drain_timed_out = true;
    self->finish(true);
  }
}

void TimedRun::on_progress(uv_timer_t* t) {
  auto* self = static_cast<TimedRun*>(t->data);
  self->link_.send("progress " + std::to_string(self->driver_.progress_ops()) + " " +
                   std::to_string(self->result_.error_count()));
}

void TimedRun::finish(bool send_result) {
  if (done_) return;
  done_ = true;
  sending_ = false;
  if (send_result) link_.send("result " + result_.to_json_line());
  driver_.close_all();
  for (uv_timer_t* timer : {&phase_timer_, &drain_timer_, &progress_timer_})
    uv_close(reinterpret_cast<uv_handle_t*>(timer), nullptr);
  link_.unwatch();
}

}  // namespace parley::bench
