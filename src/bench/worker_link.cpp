#include "worker_link.hpp"

#include <unistd.h>

#include <cerrno>

namespace parley::bench {

void WorkerLink::send(std::string_view line) {
  std::string msg(line);
  msg += '\n';
  const char* p = msg.data();
  size_t left = msg.size();
  while (left > 0) {
    const ssize_t n = ::write(to_parent_, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // the parent is gone; the worker will notice on its command pipe
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
}

void WorkerLink::watch(uv_loop_t* loop, std::function<void(std::string_view)> on_command) {
  on_command_ = std::move(on_command);
  uv_poll_init(loop, &poll_, from_parent_);
  poll_.data = this;
  uv_poll_start(&poll_, UV_READABLE, on_readable);
  watching_ = true;
}

void WorkerLink::unwatch() {
  if (!watching_) return;
  watching_ = false;
  uv_poll_stop(&poll_);
  uv_close(reinterpret_cast<uv_handle_t*>(&poll_), nullptr);
}

void WorkerLink::on_readable(uv_poll_t* handle, int status, int) {
  auto* self = static_cast<WorkerLink*>(handle->data);
  char buf[4096];
  const ssize_t n = status < 0 ? -1 : ::read(self->from_parent_, buf, sizeof buf);
  if (n < 0 && errno == EAGAIN) return;
  if (n <= 0) {
    self->unwatch();
    self->on_command_("abort");
    return;
  }
  self->buffer_.append(buf, static_cast<size_t>(n));
  size_t pos;
  while ((pos = self->buffer_.find('\n')) != std::string::npos) {
    const std::string line = self->buffer_.substr(0, pos);
    self->buffer_.erase(0, pos + 1);
    self->on_command_(line);
  }
}

}  // namespace parley::bench
