#pragma once
// The line protocol between the parent process and one worker, over two pipes.
// Worker to parent: "ready", "progress OPS ERRORS", "held T_NS COUNT",
// "result JSON", "fail TEXT". Parent to worker: "go T_NS", "stop".
// Lines are short except "result", and the parent always reads, so the
// worker's blocking writes never stall for long.
#include <uv.h>

#include <functional>
#include <string>
#include <string_view>

namespace parley::bench {

class WorkerLink {
 public:
  WorkerLink(int to_parent, int from_parent) : to_parent_(to_parent), from_parent_(from_parent) {}

  void send(std::string_view line);

  // Calls on_command for every line the parent sends, and with "abort" when
  // the parent goes away.
  void watch(uv_loop_t* loop, std::function<void(std::string_view)> on_command);
  void unwatch();

 private:
  static void on_readable(uv_poll_t* handle, int status, int events);

  int to_parent_;
  int from_parent_;
  uv_poll_t poll_{};
  bool watching_ = false;
  std::string buffer_;
  std::function<void(std::string_view)> on_command_;
};

}  // namespace parley::bench
