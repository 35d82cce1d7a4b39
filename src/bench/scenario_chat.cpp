// chat: N clients over R rooms, S of them sending; deliveries are counted and
// timed at the receivers. Client i is in room i % R; clients 0..S-1 send to
// their own room. Worker w carries the clients with i % procs == w.
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "clock.hpp"
#include "json_scan.hpp"
#include "payload.hpp"
#include "proc_stats.hpp"
#include "scenarios.hpp"
#include "source_addr.hpp"
#include "tcp_conn.hpp"
#include "timed_run.hpp"
#include "wire.hpp"

namespace parley::bench {

namespace {

constexpr uint32_t kSetupWindow = 256;          // handshakes in flight per worker
constexpr uint64_t kQuietBeforeDoneNs = 300'000'000;  // drain: no delivery for this long
constexpr uint32_t kMaxBurstPerTick = 10000;    // rate mode: sends per sender per timer tick

struct Client {
  uint64_t global = 0;
  uint32_t room = 0;
  bool sender = false;
  bool dead = false;
  std::unique_ptr<TcpConn> member;
  std::unique_ptr<TcpConn> publisher;  // Redis senders only
  uint32_t inflight = 0;
  uint64_t next_due_ns = 0;
};

class ChatWorker final : public ConnListener, public TimedDriver {
 public:
  ChatWorker(const Options& opt, int index, int procs, WorkerLink& link)
      : opt_(opt),
        procs_(static_cast<uint32_t>(procs)),
        wire_(make_wire(opt.target.kind)),
        payload_(opt.size),
        run_(uv_default_loop(), link, opt, *this, result_) {
    loop_ = uv_default_loop();
    for (uint64_t i = static_cast<uint64_t>(index); i < opt.connections; i += procs_) {
      Client c;
      c.global = i;
      c.room = static_cast<uint32_t>(i % opt.rooms);
      c.sender = i < opt.senders;
      if (c.sender && wire_->needs_publisher_connection()) ++connections_needed_;
      clients_.push_back(std::move(c));
      ++connections_needed_;
    }
    for (uint32_t r = 0; r < opt.rooms; ++r) room_names_.push_back(room_name(r));
  }

  void start() {
    if (clients_.empty()) {
      run_.setup_done();
      return;
    }
    for (size_t k = 0; k < kSetupWindow && k < clients_.size(); ++k) dial_next();
  }

  // --- setup ---------------------------------------------------------------
  void dial_next() {
    if (next_dial_ >= clients_.size()) return;
    const size_t j = next_dial_++;
    Client& c = clients_[j];
    const auto tag = static_cast<uint32_t>(j * 2);
    c.member = std::make_unique<TcpConn>(loop_, this, tag);
    dial(*c.member, c.global);
    if (c.sender && wire_->needs_publisher_connection()) {
      c.publisher = std::make_unique<TcpConn>(loop_, this, tag + 1);
      dial(*c.publisher, c.global);
    }
  }

  void dial(TcpConn& conn, uint64_t global) {
    sockaddr_in src{};
    // One source address has ports enough below this many connections.
    const bool spread = opt_.spread_sources && opt_.target.ipv4_loopback() && opt_.connections > kSpreadAbove;
    if (spread) src = source_address_for(global);
    if (opt_.tls) conn.use_tls(*opt_.tls, opt_.target.host);
    ++result_.connections;
    const int rc = conn.connect(reinterpret_cast<const sockaddr*>(&opt_.target.addr),
                                spread ? reinterpret_cast<const sockaddr*>(&src) : nullptr);
    if (rc != 0) run_.setup_failed(std::string("connect: ") + uv_strerror(rc));
  }

  void on_connected(TcpConn& conn, int status) override {
    if (status != 0) {
      run_.setup_failed("connect: " + conn.error_message(status));
      return;
    }
    Client& c = clients_[conn.tag() / 2];
    if (conn.tag() % 2 == 1) {
      settle_one();  // a publisher needs no handshake
      return;
    }
    wire_->append_member_setup(conn.out(), room_names_[c.room]);
  }

  void settle_one() {
    ++settled_;
    if (settled_ == connections_needed_) {
      setup_complete_ = true;
      run_.setup_done();
    } else {
      dial_next();
    }
  }

  // --- traffic -------------------------------------------------------------
  size_t on_data(TcpConn& conn, std::string_view data, uint64_t rx) override {
    Client& c = clients_[conn.tag() / 2];
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
      switch (ev.kind) {
        case EventKind::Delivery:
          on_delivery(ev.payload, rx);
          break;
        case EventKind::Ack:
          if (c.sender && &conn == sender_conn(c)) on_reply(c);
          ++result_.acks_total;
          result_.deliveries_expected += fanout(c.room);
          break;
        case EventKind::Joined:
          settle_one();
          break;
        case EventKind::Error:
          result_.add_error(std::string(ev.payload));
          if (!setup_complete_) {
            run_.setup_failed("setup refused: " + std::string(ev.payload));
            return data.size();
          }
          // Every request gets one reply: an error still frees a window slot.
          if (c.sender && &conn == sender_conn(c)) on_reply(c);
          break;
        case EventKind::EchoReply:
        case EventKind::Ignored:
          break;
      }
    }
    return used;
  }

  void on_delivery(std::string_view text, uint64_t rx) {
    last_rx_ns_ = rx;
    uint64_t sent_at = 0;
    if (!parse_u64_prefix(text, sent_at)) {
      result_.add_error("bad_payload");
      return;
    }
    ++result_.deliveries_total;
    if (run_.in_window(rx)) ++result_.ops;
    if (run_.in_window(sent_at)) result_.latency.record(rx > sent_at ? rx - sent_at : 0);
  }

  void on_reply(Client& c) {
    if (c.inflight > 0) --c.inflight;
    if (run_.sending() && opt_.rate <= 0) send_one(c, now_ns());
  }

  uint64_t fanout(uint32_t room) const {
    uint64_t members = opt_.connections / opt_.rooms + (room < opt_.connections % opt_.rooms ? 1 : 0);
    // A Parley sender is a member and is not sent its own message; a Redis
    // publisher is a separate connection, so every subscriber receives it.
    if (!wire_->needs_publisher_connection() && members > 0) --members;
    return members;
  }

  void send_one(Client& c, uint64_t stamp) {
    TcpConn* conn = c.publisher ? c.publisher.get() : c.member.get();
    if (c.dead || conn == nullptr || !conn->open()) return;
    wire_->append_say(conn->out(), room_names_[c.room], payload_.make(stamp));
    ++c.inflight;
    ++result_.sent_total;
    if (run_.in_window(stamp)) ++result_.sent;
  }

  TcpConn* sender_conn(Client& c) { return c.publisher ? c.publisher.get() : c.member.get(); }

  void start_sending(uint64_t now) override {
    if (opt_.rate > 0) {
      const double per_sender = opt_.rate / static_cast<double>(opt_.senders);
      interval_ns_ = static_cast<uint64_t>(1e9 / per_sender);
      for (auto& c : clients_) {
        // Stagger senders over one interval so their sends do not coincide.
        if (c.sender) c.next_due_ns = now + interval_ns_ * c.global / opt_.senders;
      }
      start_rate_clock();
      return;
    }
    for (auto& c : clients_) {
      if (!c.sender) continue;
      for (uint32_t k = 0; k < opt_.pipeline; ++k) send_one(c, now_ns());
      if (TcpConn* conn = sender_conn(c)) conn->flush();
    }
  }

  // libuv timers tick in whole milliseconds, which would add up to 1 ms of
  // the bench's own lateness to every open-loop latency; a timerfd ticking at
  // a quarter of the send interval (50 us to 1 ms) keeps that small.
  void start_rate_clock() {
    tick_fd_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (tick_fd_ < 0) {
      result_.add_error("timerfd");
      return;
    }
    const uint64_t period = std::clamp<uint64_t>(interval_ns_ / 4, 50'000, 1'000'000);
    itimerspec spec{};
    spec.it_interval.tv_sec = static_cast<time_t>(period / 1'000'000'000);
    spec.it_interval.tv_nsec = static_cast<long>(period % 1'000'000'000);
    spec.it_value = spec.it_interval;
    timerfd_settime(tick_fd_, 0, &spec, nullptr);
    uv_poll_init(loop_, &tick_poll_, tick_fd_);
    tick_poll_.data = this;
    uv_poll_start(&tick_poll_, UV_READABLE, on_rate_tick);
    ticking_ = true;
  }

  void stop_rate_clock() {
    if (!ticking_) return;
    ticking_ = false;
    uv_poll_stop(&tick_poll_);
    uv_close(reinterpret_cast<uv_handle_t*>(&tick_poll_), [](uv_handle_t* h) {
      ::close(static_cast<ChatWorker*>(h->data)->tick_fd_);
    });
  }

  static void on_rate_tick(uv_poll_t* handle, int, int) {
    auto* self = static_cast<ChatWorker*>(handle->data);
    uint64_t expirations = 0;
    if (::read(self->tick_fd_, &expirations, sizeof expirations) < 0) return;
    if (!self->run_.sending()) return;
    const uint64_t now = now_ns();
    for (auto& c : self->clients_) {
      if (!c.sender) continue;
      uint32_t burst = 0;
      // Open loop: each message carries its scheduled time, so a late send
      // (the bench fell behind) shows up as latency instead of hiding it.
      while (c.next_due_ns <= now && burst++ < kMaxBurstPerTick) {
        self->send_one(c, c.next_due_ns);
        c.next_due_ns += self->interval_ns_;
      }
      if (TcpConn* conn = self->sender_conn(c)) conn->flush();
    }
  }

  void stop_sending() override { stop_rate_clock(); }

  bool drained(uint64_t now) const override {
    for (const auto& c : clients_)
      if (c.inflight > 0 && !c.dead) return false;
    return now > last_rx_ns_ + kQuietBeforeDoneNs;
  }

  uint64_t progress_ops() const override { return result_.deliveries_total; }

  void close_all() override {
    stopping_ = true;
    for (auto& c : clients_) {
      if (c.member) c.member->close();
      if (c.publisher) c.publisher->close();
    }
    stop_rate_clock();
  }

  void on_closed(TcpConn& conn, int status) override {
    if (stopping_) return;
    if (!setup_complete_) {
      run_.setup_failed(std::string("connection closed during setup: ") + (status ? conn.error_message(status) : "by the server"));
      return;
    }
    Client& c = clients_[conn.tag() / 2];
    c.dead = true;
    c.inflight = 0;
    result_.add_error("disconnected");
  }

 private:
  const Options& opt_;
  uint32_t procs_;
  uv_loop_t* loop_ = nullptr;
  std::unique_ptr<Wire> wire_;
  PayloadMaker payload_;
  WorkerResult result_;
  TimedRun run_;
  std::vector<Client> clients_;
  std::vector<std::string> room_names_;
  uv_poll_t tick_poll_{};
  int tick_fd_ = -1;
  bool ticking_ = false;
  size_t next_dial_ = 0;
  size_t settled_ = 0;
  size_t connections_needed_ = 0;
  bool setup_complete_ = false;
  uint64_t interval_ns_ = 0;
  uint64_t last_rx_ns_ = 0;
  bool stopping_ = false;
};

}  // namespace

int run_chat_worker(const Options& opt, int index, int procs, WorkerLink& link) {
  raise_open_file_limit();
  auto worker = std::make_unique<ChatWorker>(opt, index, procs, link);
  worker->start();
  uv_run(uv_default_loop(), UV_RUN_DEFAULT);
  return 0;
}

}  // namespace parley::bench
