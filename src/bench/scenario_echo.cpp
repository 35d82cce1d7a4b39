// echo: N connections, each keeping `pipeline` requests in flight and sending
// a new one for every reply (closed loop). Replies come back in order, so the
// send times wait in a per-connection ring instead of riding in the payload.
#include <memory>
#include <string>
#include <vector>

#include "clock.hpp"
#include "proc_stats.hpp"
#include "scenarios.hpp"
#include "source_addr.hpp"
#include "tcp_conn.hpp"
#include "timed_run.hpp"
#include "wire.hpp"

namespace parley::bench {

namespace {

constexpr uint32_t kSetupWindow = 256;

struct EchoClient {
  std::unique_ptr<TcpConn> conn;
  std::vector<uint64_t> sent_at;  // ring of `pipeline` send times
  uint32_t head = 0;
  uint32_t inflight = 0;
  bool dead = false;
};

class EchoWorker final : public ConnListener, public TimedDriver {
 public:
  EchoWorker(const Options& opt, int index, int procs, WorkerLink& link)
      : opt_(opt), wire_(make_wire(opt.target.kind)), text_(opt.size, 'x'),
        run_(uv_default_loop(), link, opt, *this, result_) {
    loop_ = uv_default_loop();
    for (uint64_t i = static_cast<uint64_t>(index); i < opt.connections; i += static_cast<uint64_t>(procs)) {
      globals_.push_back(i);
      EchoClient c;
      c.sent_at.assign(opt.pipeline, 0);
      clients_.push_back(std::move(c));
    }
    // A request is built once; only its send time differs.
    wire_->append_echo(request_, text_);
  }

  void start() {
    if (clients_.empty()) {
      run_.setup_done();
      return;
    }
    for (size_t k = 0; k < kSetupWindow && k < clients_.size(); ++k) dial_next();
  }

  void dial_next() {
    if (next_dial_ >= clients_.size()) return;
    const size_t j = next_dial_++;
    clients_[j].conn = std::make_unique<TcpConn>(loop_, this, static_cast<uint32_t>(j));
    if (opt_.tls) clients_[j].conn->use_tls(*opt_.tls, opt_.target.host);
    sockaddr_in src{};
    // One source address has ports enough below this many connections.
    const bool spread = opt_.spread_sources && opt_.target.ipv4_loopback() && opt_.connections > kSpreadAbove;
    if (spread) src = source_address_for(globals_[j]);
    ++result_.connections;
    const int rc = clients_[j].conn->connect(reinterpret_cast<const sockaddr*>(&opt_.target.addr),
                                             spread ? reinterpret_cast<const sockaddr*>(&src) : nullptr);
    if (rc != 0) run_.setup_failed(std::string("connect: ") + uv_strerror(rc));
  }

  void on_connected(TcpConn& conn, int status) override {
    if (status != 0) {
      run_.setup_failed("connect: " + conn.error_message(status));
      return;
    }
    if (++connected_ == clients_.size()) {
      run_.setup_done();
    } else {
      dial_next();
    }
  }

  size_t on_data(TcpConn& conn, std::string_view data, uint64_t rx) override {
    EchoClient& c = clients_[conn.tag()];
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
      if (ev.kind == EventKind::Ignored) continue;
      if (c.inflight == 0) {
        result_.add_error("unexpected_reply");
        continue;
      }
      if (ev.kind == EventKind::Error) {
        result_.add_error(std::string(ev.payload));
      } else if (ev.kind == EventKind::EchoReply && ev.payload.size() != text_.size()) {
        result_.add_error("echo_mismatch");
      }
      const uint64_t sent_at = c.sent_at[(c.head + opt_.pipeline - c.inflight) % opt_.pipeline];
      --c.inflight;
      ++completed_;
      if (run_.in_window(rx)) ++result_.ops;
      if (run_.in_window(sent_at)) result_.latency.record(rx > sent_at ? rx - sent_at : 0);
      if (run_.sending()) send_one(c, rx);
    }
    return used;
  }

  void send_one(EchoClient& c, uint64_t now) {
    if (c.dead || !c.conn->open()) return;
    c.conn->out().append(request_);
    c.sent_at[c.head] = now;
    c.head = (c.head + 1) % opt_.pipeline;
    ++c.inflight;
    ++result_.sent_total;
    if (run_.in_window(now)) ++result_.sent;
  }

  void start_sending(uint64_t) override {
    for (auto& c : clients_) {
      const uint64_t now = now_ns();
      for (uint32_t k = 0; k < opt_.pipeline; ++k) send_one(c, now);
      c.conn->flush();
    }
  }

  void stop_sending() override {}

  bool drained(uint64_t) const override {
    for (const auto& c : clients_)
      if (c.inflight > 0 && !c.dead) return false;
    return true;
  }

  uint64_t progress_ops() const override { return completed_; }

  void close_all() override {
    stopping_ = true;
    for (auto& c : clients_)
      if (c.conn) c.conn->close();
  }

  void on_closed(TcpConn& conn, int status) override {
    if (stopping_) return;
    if (connected_ < clients_.size()) {
      run_.setup_failed(std::string("connection closed during setup: ") + (status ? conn.error_message(status) : "by the server"));
      return;
    }
    EchoClient& c = clients_[conn.tag()];
    c.dead = true;
    c.inflight = 0;
    result_.add_error("disconnected");
  }

 private:
  const Options& opt_;
  uv_loop_t* loop_ = nullptr;
  std::unique_ptr<Wire> wire_;
  std::string text_;
  std::string request_;
  WorkerResult result_;
  TimedRun run_;
  std::vector<EchoClient> clients_;
  std::vector<uint64_t> globals_;
  size_t next_dial_ = 0;
  size_t connected_ = 0;
  uint64_t completed_ = 0;
  bool stopping_ = false;
};

}  // namespace

int run_echo_worker(const Options& opt, int index, int procs, WorkerLink& link) {
  raise_open_file_limit();
  auto worker = std::make_unique<EchoWorker>(opt, index, procs, link);
  worker->start();
  uv_run(uv_default_loop(), UV_RUN_DEFAULT);
  return 0;
}

}  // namespace parley::bench
