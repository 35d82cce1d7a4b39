// connect: open N connections as fast as the server takes them, each saying
// hello and joining a room, hold them idle, then close. A connection counts as
// held once its join is answered. The parent samples the server's memory
// before and after, and the workers (several processes, each under its own
// open-file limit) report when all of theirs are held.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "clock.hpp"
#include "payload.hpp"
#include "proc_stats.hpp"
#include "result.hpp"
#include "scenarios.hpp"
#include "source_addr.hpp"
#include "tcp_conn.hpp"
#include "wire.hpp"

namespace parley::bench {

namespace {

class ConnectWorker final : public ConnListener {
 public:
  ConnectWorker(const Options& opt, int index, int procs, WorkerLink& link)
      : opt_(opt), link_(link), wire_(make_wire(opt.target.kind)) {
    loop_ = uv_default_loop();
    for (uint64_t i = static_cast<uint64_t>(index); i < opt.connections; i += static_cast<uint64_t>(procs))
      globals_.push_back(i);
    conns_.resize(globals_.size());
    state_.assign(globals_.size(), kPending);
    window_ = std::max<uint32_t>(1, opt.connect_window / static_cast<uint32_t>(procs));
    for (uint32_t r = 0; r < opt.rooms; ++r) rooms_.push_back(room_name(r));
  }

  void start() {
    link_.watch(loop_, [this](std::string_view line) { on_command(line); });
    link_.send("ready");
  }

  void on_command(std::string_view line) {
    if (line.rfind("go ", 0) == 0) {
      go_ns_ = std::stoull(std::string(line.substr(3)));
      const uint64_t now = now_ns();
      uv_timer_init(loop_, &go_timer_);
      go_timer_.data = this;
      uv_timer_start(&go_timer_, on_go, go_ns_ > now ? (go_ns_ - now + 999'999) / 1'000'000 : 0, 0);
    } else if (line == "stop" || line == "abort") {
      finish(line == "stop");
    }
  }

  static void on_go(uv_timer_t* t) {
    auto* self = static_cast<ConnectWorker*>(t->data);
    uv_close(reinterpret_cast<uv_handle_t*>(t), nullptr);
    self->cpu_at_go_ = self_cpu_seconds();
    if (self->globals_.empty()) self->report_held();
    for (uint32_t k = 0; k < self->window_ && k < self->globals_.size(); ++k) self->dial_next();
  }

  void dial_next() {
    if (next_ >= globals_.size()) return;
    const size_t j = next_++;
    conns_[j] = std::make_unique<TcpConn>(loop_, this, static_cast<uint32_t>(j));
    if (opt_.tls) conns_[j]->use_tls(*opt_.tls, opt_.target.host);
    conns_[j]->user_ns = now_ns();
    sockaddr_in src{};
    const bool spread = opt_.spread_sources && opt_.target.ipv4_loopback();
    if (spread) src = source_address_for(globals_[j]);
    ++result_.connections;
    const int rc = conns_[j]->connect(reinterpret_cast<const sockaddr*>(&opt_.target.addr),
                                      spread ? reinterpret_cast<const sockaddr*>(&src) : nullptr);
    if (rc != 0) {
      result_.add_error(std::string("connect_") + uv_err_name(rc));
      state_[j] = kFailed;
      settle();
    }
  }

  void settle() {
    if (++settled_ == globals_.size()) {
      report_held();
    } else {
      dial_next();
    }
  }

  void report_held() {
    result_.held_at_ns = last_held_ns_ ? last_held_ns_ : now_ns();
    result_.cpu_s = self_cpu_seconds() - cpu_at_go_;
    result_.window_s = static_cast<double>(result_.held_at_ns - go_ns_) / 1e9;
    link_.send("held " + std::to_string(result_.held_at_ns) + " " + std::to_string(result_.held));
  }

  void on_connected(TcpConn& conn, int status) override {
    if (status != 0) {
      result_.add_error("connect_" + conn.error_kind(status));
      // The counts say how many; the first reason (a refused certificate, say) is worth a line.
      if (!reported_failure_) {
        reported_failure_ = true;
        std::fprintf(stderr, "parley-bench: connect failed: %s\n", conn.error_message(status).c_str());
      }
      state_[conn.tag()] = kFailed;  // settled; its close must not settle it again
      settle();
      return;
    }
    result_.handshake.record(now_ns() - conn.user_ns);
    state_[conn.tag()] = kConnected;
    wire_->append_member_setup(conn.out(), rooms_[globals_[conn.tag()] % opt_.rooms]);
  }

  size_t on_data(TcpConn& conn, std::string_view data, uint64_t rx) override {
    size_t used = 0;
    WireEvent ev;
    while (used < data.size()) {
      const size_t n = wire_->decode(data.substr(used), ev);
      if (n == 0) break;
      if (n == kWireMalformed) {
        result_.add_error("malformed_frame");
        conn.close();
        return data.size();
      }
      used += n;
      if (ev.kind == EventKind::Joined) {
        ++result_.held;
        ++result_.ops;
        last_held_ns_ = rx;
        result_.latency.record(rx - conn.user_ns);
        state_[conn.tag()] = kHeld;
        settle();
      } else if (ev.kind == EventKind::Error) {
        result_.add_error(std::string(ev.payload));
      }
    }
    return used;
  }

  void on_closed(TcpConn& conn, int) override {
    if (stopping_) return;
    uint8_t& state = state_[conn.tag()];
    if (state == kFailed) return;  // already counted as a failed connect
    result_.add_error("disconnected");
    if (state == kConnected) settle();  // closed before it was held
    state = kFailed;
  }

  void finish(bool send_result) {
    if (stopping_) return;
    stopping_ = true;
    if (send_result) link_.send("result " + result_.to_json_line());
    for (auto& c : conns_)
      if (c) c->close();
    link_.unwatch();
  }

 private:
  const Options& opt_;
  WorkerLink& link_;
  uv_loop_t* loop_ = nullptr;
  std::unique_ptr<Wire> wire_;
  WorkerResult result_;
  std::vector<uint64_t> globals_;
  std::vector<std::unique_ptr<TcpConn>> conns_;
  enum : uint8_t { kPending, kConnected, kHeld, kFailed };
  std::vector<uint8_t> state_;
  uv_timer_t go_timer_{};
  std::vector<std::string> rooms_;
  uint32_t window_ = 1;
  size_t next_ = 0;
  size_t settled_ = 0;
  uint64_t go_ns_ = 0;
  uint64_t last_held_ns_ = 0;
  double cpu_at_go_ = 0;
  bool stopping_ = false;
  bool reported_failure_ = false;
};

}  // namespace

int run_connect_worker(const Options& opt, int index, int procs, WorkerLink& link) {
  raise_open_file_limit();
  auto worker = std::make_unique<ConnectWorker>(opt, index, procs, link);
  worker->start();
  uv_run(uv_default_loop(), UV_RUN_DEFAULT);
  return 0;
}

}  // namespace parley::bench
