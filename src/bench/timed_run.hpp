#pragma once
// The life of a worker in a timed scenario (chat, echo, udp):
//   setup -> "ready" -> parent's "go T" -> warm-up -> measurement window ->
//   stop sending -> drain (wait for what is still in flight) -> "result".
// The parent gives every worker the same absolute start time T, so the
// windows of all processes line up. Only operations that complete inside the
// window count towards ops_per_s; latency is recorded for requests sent inside
// it, including those answered during the drain.
#include <uv.h>

#include <cstdint>
#include <string>

#include "options.hpp"
#include "result.hpp"
#include "worker_link.hpp"

namespace parley::bench {

class TimedDriver {
 public:
  virtual ~TimedDriver() = default;
  virtual void start_sending(uint64_t now) = 0;
  virtual void stop_sending() = 0;
  // True when nothing the worker sent is still unanswered.
  virtual bool drained(uint64_t now) const = 0;
  virtual uint64_t progress_ops() const = 0;  // completions so far, any phase
  virtual void close_all() = 0;
};

class TimedRun {
 public:
  TimedRun(uv_loop_t* loop, WorkerLink& link, const Options& opt, TimedDriver& driver, WorkerResult& result);

  void setup_done();
  void setup_failed(const std::string& why);

  bool sending() const { return sending_; }
  bool in_window(uint64_t t) const { return t >= window_start_ && t < window_end_; }
  uint64_t window_start() const { return window_start_; }
  uint64_t window_end() const { return window_end_; }
  bool done() const { return done_; }

 private:
  void on_command(std::string_view line);
  void arm(uint64_t at_ns, void (*cb)(uv_timer_t*));
  static void on_go(uv_timer_t* t);
  static void on_window_start(uv_timer_t* t);
  static void on_window_end(uv_timer_t* t);
  static void on_drain_tick(uv_timer_t* t);
  static void on_progress(uv_timer_t* t);
  void finish(bool send_result);

  uv_loop_t* loop_;
  WorkerLink& link_;
  const Options& opt_;
  TimedDriver& driver_;
  WorkerResult& result_;
  uv_timer_t phase_timer_{};
  uv_timer_t drain_timer_{};
  uv_timer_t progress_timer_{};
  uint64_t go_ns_ = 0;
  uint64_t window_start_ = UINT64_MAX;
  uint64_t window_end_ = UINT64_MAX;
  uint64_t drain_deadline_ = 0;
  double cpu_at_start_ = 0;
  bool sending_ = false;
  bool done_ = false;
};

}  // namespace parley::bench
