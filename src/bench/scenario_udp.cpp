// udp: a window of datagrams in flight; every echo that comes back is timed
// and replaced by a new datagram. Each datagram starts with a header naming
// its window slot and a generation number, so a late echo of a datagram that
// was already given up as lost is not mistaken for its replacement. Sending
// and receiving use sendmmsg/recvmmsg on a connected socket driven by a
// uv_poll handle: one system call moves a whole batch, as in the C baseline.
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "clock.hpp"
#include "proc_stats.hpp"
#include "scenarios.hpp"
#include "timed_run.hpp"

namespace parley::bench {

namespace {

constexpr size_t kBatch = 64;
constexpr size_t kHeader = 16;  // send time (8), slot (4), generation (4)

struct Slot {
  uint64_t sent_at = 0;
  uint32_t generation = 0;
  bool busy = false;
};

class UdpWorker final : public TimedDriver {
 public:
  UdpWorker(const Options& opt, int index, int procs, WorkerLink& link)
      : opt_(opt), run_(uv_default_loop(), link, opt, *this, result_) {
    // The window is over all processes; spread it as evenly as possible.
    const uint32_t w = opt.window / static_cast<uint32_t>(procs) +
                       (static_cast<uint32_t>(index) < opt.window % static_cast<uint32_t>(procs) ? 1 : 0);
    slots_.resize(w);
    size_ = std::max<uint32_t>(opt.size, kHeader);
    send_bufs_.assign(kBatch, std::vector<char>(size_, 'x'));
    recv_bufs_.assign(kBatch, std::vector<char>(65536));
  }

  void start() {
    fd_ = ::socket(opt_.target.family(), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd_ < 0) {
      run_.setup_failed(std::string("socket: ") + std::strerror(errno));
      return;
    }
    int big = 4 << 20;
    setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
    setsockopt(fd_, SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&opt_.target.addr), opt_.target.addr_len) != 0) {
      run_.setup_failed(std::string("connect: ") + std::strerror(errno));
      return;
    }
    result_.connections = 1;
    uv_poll_init(uv_default_loop(), &poll_, fd_);
    poll_.data = this;
    uv_poll_start(&poll_, UV_READABLE, on_readable);
    polling_ = true;
    uv_timer_init(uv_default_loop(), &loss_timer_);
    loss_timer_.data = this;
    run_.setup_done();
  }

  void start_sending(uint64_t) override {
    for (uint32_t s = 0; s < slots_.size(); ++s) queue_send(s);
    flush_sends();
    const auto period = std::max<uint64_t>(10, static_cast<uint64_t>(opt_.loss_timeout_ms / 4));
    uv_timer_start(&loss_timer_, on_loss_tick, period, period);
  }

  void queue_send(uint32_t slot) { pending_.push_back(slot); }

  // Stamps and sends every queued slot, kBatch datagrams per system call.
  void flush_sends() {
    size_t done = 0;
    while (done < pending_.size()) {
      const size_t n = std::min(kBatch, pending_.size() - done);
      mmsghdr msgs[kBatch];
      iovec iov[kBatch];
      const uint64_t now = now_ns();
      for (size_t k = 0; k < n; ++k) {
        const uint32_t s = pending_[done + k];
        Slot& slot = slots_[s];
        ++slot.generation;
        slot.sent_at = now;
        slot.busy = true;
        char* p = send_bufs_[k].data();
        std::memcpy(p, &now, 8);
        std::memcpy(p + 8, &s, 4);
        std::memcpy(p + 12, &slot.generation, 4);
        iov[k] = {p, size_};
        msgs[k] = {};
        msgs[k].msg_hdr.msg_iov = &iov[k];
        msgs[k].msg_hdr.msg_iovlen = 1;
      }
      const int sent = ::sendmmsg(fd_, msgs, static_cast<unsigned>(n), 0);
      if (sent <= 0) {
        // Send buffer full: the slots stay busy and the loss timer resends them.
        result_.add_error("send_failed", n);
        done += n;
        continue;
      }
      result_.sent_total += static_cast<uint64_t>(sent);
      if (run_.in_window(now)) result_.sent += static_cast<uint64_t>(sent);
      if (static_cast<size_t>(sent) < n) result_.add_error("send_failed", n - static_cast<size_t>(sent));
      done += n;
    }
    pending_.clear();
  }

  static void on_readable(uv_poll_t* handle, int status, int) {
    auto* self = static_cast<UdpWorker*>(handle->data);
    if (status < 0) return;
    self->receive();
  }

  void receive() {
    mmsghdr msgs[kBatch];
    iovec iov[kBatch];
    for (int round = 0; round < 16; ++round) {
      for (size_t k = 0; k < kBatch; ++k) {
        iov[k] = {recv_bufs_[k].data(), recv_bufs_[k].size()};
        msgs[k] = {};
        msgs[k].msg_hdr.msg_iov = &iov[k];
        msgs[k].msg_hdr.msg_iovlen = 1;
      }
      const int got = ::recvmmsg(fd_, msgs, kBatch, MSG_DONTWAIT, nullptr);
      if (got <= 0) break;
      const uint64_t rx = now_ns();
      for (int k = 0; k < got; ++k) on_echo(recv_bufs_[static_cast<size_t>(k)].data(), msgs[k].msg_len, rx);
      if (!pending_.empty()) flush_sends();
      if (static_cast<size_t>(got) < kBatch) break;
    }
  }

  void on_echo(const char* p, size_t len, uint64_t rx) {
    if (len != size_) {
      result_.add_error("echo_mismatch");
      return;
    }
    uint64_t sent_at;
    uint32_t s, generation;
    std::memcpy(&sent_at, p, 8);
    std::memcpy(&s, p + 8, 4);
    std::memcpy(&generation, p + 12, 4);
    if (s >= slots_.size() || !slots_[s].busy || slots_[s].generation != generation) {
      ++result_.errors["late_or_unknown"];
      return;
    }
    slots_[s].busy = false;
    ++completed_;
    if (run_.in_window(rx)) ++result_.ops;
    if (run_.in_window(sent_at)) result_.latency.record(rx > sent_at ? rx - sent_at : 0);
    if (run_.sending()) queue_send(s);
  }

  static void on_loss_tick(uv_timer_t* t) {
    auto* self = static_cast<UdpWorker*>(t->data);
    const uint64_t now = now_ns();
    const auto timeout = static_cast<uint64_t>(self->opt_.loss_timeout_ms * 1e6);
    for (uint32_t s = 0; s < self->slots_.size(); ++s) {
      Slot& slot = self->slots_[s];
      if (!slot.busy || now - slot.sent_at < timeout) continue;
      self->result_.add_error("lost");
      slot.busy = false;
      if (self->run_.sending()) self->queue_send(s);
    }
    if (!self->pending_.empty()) self->flush_sends();
  }

  void stop_sending() override {}

  bool drained(uint64_t) const override {
    for (const auto& s : slots_)
      if (s.busy) return false;
    return true;
  }

  uint64_t progress_ops() const override { return completed_; }

  void close_all() override {
    if (!polling_) return;
    polling_ = false;
    uv_poll_stop(&poll_);
    uv_close(reinterpret_cast<uv_handle_t*>(&poll_), nullptr);
    uv_close(reinterpret_cast<uv_handle_t*>(&loss_timer_), nullptr);
    // The descriptor is closed after the loop ends, once the poll handle is gone.
  }

  int fd() const { return fd_; }

 private:
  const Options& opt_;
  WorkerResult result_;
  TimedRun run_;
  std::vector<Slot> slots_;
  std::vector<uint32_t> pending_;
  std::vector<std::vector<char>> send_bufs_;
  std::vector<std::vector<char>> recv_bufs_;
  uint32_t size_ = 0;
  int fd_ = -1;
  bool polling_ = false;
  uv_poll_t poll_{};
  uv_timer_t loss_timer_{};
  uint64_t completed_ = 0;
};

}  // namespace

int run_udp_worker(const Options& opt, int index, int procs, WorkerLink& link) {
  auto worker = std::make_unique<UdpWorker>(opt, index, procs, link);
  worker->start();
  uv_run(uv_default_loop(), UV_RUN_DEFAULT);
  if (worker->fd() >= 0) ::close(worker->fd());
  return 0;
}

}  // namespace parley::bench
