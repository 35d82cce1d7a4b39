#include "tcp_server.hpp"

#include "address.hpp"
#include "tcp_session.hpp"

namespace parley::server {

namespace {
constexpr int kBacklog = 1024;
constexpr std::uint64_t kSweepIntervalMs = 1000;
constexpr char kServerFull[] =
    "{\"type\":\"error\",\"code\":\"server_full\",\"message\":\"the server has no room for another connection\"}\n";

// A connection turned away at the door: it never becomes a session.
struct Rejected {
    uv_tcp_t tcp;
};
}  // namespace

TcpServer::TcpServer(uv_loop_t* loop, Dispatcher& dispatcher, spdlog::logger& log, TcpLimits limits)
    : loop_(loop), dispatcher_(dispatcher), log_(log), limits_(limits) {
    uv_tcp_init(loop_, &listener_);
    listener_.data = this;
    listener_open_ = true;
    uv_check_init(loop_, &check_);
    check_.data = this;
    uv_check_start(&check_, on_check);
    uv_idle_init(loop_, &idle_);
    uv_timer_init(loop_, &sweep_);
    sweep_.data = this;
    uv_timer_start(&sweep_, on_sweep, kSweepIntervalMs, kSweepIntervalMs);
    handles_open_ = true;
}

TcpServer::~TcpServer() = default;

char* TcpServer::read_buffer(std::size_t& size) {
    // One buffer for the whole loop: a read callback consumes it before the
    // next allocation, and the framer copies only split lines.
    static char buffer[64 * 1024];
    size = sizeof buffer;
    return buffer;
}

std::string TcpServer::listen(const sockaddr* addr) {
    int rc = uv_tcp_bind(&listener_, addr, 0);
    if (rc == 0) rc = uv_listen(reinterpret_cast<uv_stream_t*>(&listener_), kBacklog, on_connection);
    if (rc != 0) return uv_strerror(rc);
    return {};
}

std::string TcpServer::bound_address() const {
    sockaddr_storage ss{};
    int len = sizeof ss;
    uv_tcp_getsockname(&listener_, reinterpret_cast<sockaddr*>(&ss), &len);
    return format_address(reinterpret_cast<sockaddr*>(&ss));
}

void TcpServer::on_connection(uv_stream_t* listener, int status) {
    auto* self = static_cast<TcpServer*>(listener->data);
    if (status < 0) {
        // EMFILE and friends: libuv already turned the connection away without
        // spinning; say so at most once a second.
        std::uint64_t now = uv_now(self->loop_);
        if (now - self->last_accept_error_log_ms_ >= 1000) {
            self->last_accept_error_log_ms_ = now;
            self->log_.warn("accept failed: {} (existing connections are unaffected)", uv_strerror(status));
        }
        return;
    }
    if (self->sessions_ >= self->limits_.max_clients) self->reject_full();
    else self->accept_one();
}

void TcpServer::accept_one() {
    auto* s = new TcpSession(*this);
    s->next = head_;
    if (head_) head_->prev = s;
    head_ = s;
    ++sessions_;
    auto* stream = reinterpret_cast<uv_stream_t*>(s->handle());
    if (uv_accept(reinterpret_cast<uv_stream_t*>(&listener_), stream) != 0) {
        s->close_now(CloseReason::error);
        return;
    }
    sockaddr_storage ss{};
    int len = sizeof ss;
    std::string peer = uv_tcp_getpeername(s->handle(), reinterpret_cast<sockaddr*>(&ss), &len) == 0
                           ? format_address(reinterpret_cast<sockaddr*>(&ss))
                           : "?";
    uv_tcp_nodelay(s->handle(), 1);
    s->start(std::move(peer));
}

void TcpServer::reject_full() {
    auto* r = new Rejected;
    uv_tcp_init(loop_, &r->tcp);
    auto* stream = reinterpret_cast<uv_stream_t*>(&r->tcp);
    if (uv_accept(reinterpret_cast<uv_stream_t*>(&listener_), stream) == 0) {
        uv_buf_t buf = uv_buf_init(const_cast<char*>(kServerFull), sizeof kServerFull - 1);
        uv_try_write(stream, &buf, 1);
        log_.warn("connection refused: --max-clients ({}) reached", limits_.max_clients);
    }
    uv_close(reinterpret_cast<uv_handle_t*>(&r->tcp), [](uv_handle_t* h) {
        delete reinterpret_cast<Rejected*>(h);  // tcp is the first member
    });
}

void TcpServer::mark_dirty(TcpSession* s) {
    if (s->dirty) return;
    s->dirty = true;
    if (dirty_.empty()) uv_idle_start(&idle_, [](uv_idle_t*) {});
    dirty_.push_back(s);
}

void TcpServer::on_check(uv_check_t* h) { static_cast<TcpServer*>(h->data)->flush_dirty(); }

void TcpServer::flush_dirty() {
    // Flushing can queue more (a cut-off client's `left` events), so repeat
    // until nothing new is dirty.
    std::vector<TcpSession*> batch;
    while (!dirty_.empty()) {
        batch.swap(dirty_);
        for (TcpSession* s : batch) {
            s->dirty = false;
            s->flush();
        }
        batch.clear();
    }
    uv_idle_stop(&idle_);
}

void TcpServer::unlink(TcpSession* s) {
    if (s->dirty) std::erase(dirty_, s);
    if (s->prev) s->prev->next = s->next;
    else head_ = s->next;
    if (s->next) s->next->prev = s->prev;
    --sessions_;
    if (sessions_ == 0 && on_empty_) {
        auto done = std::move(on_empty_);
        on_empty_ = nullptr;
        done();
    }
}

template <class F>
void TcpServer::for_each_session(F&& f) {
    for (TcpSession* s = head_; s != nullptr;) {
        TcpSession* next = s->next;  // f may start closing s, never frees it
        f(*s);
        s = next;
    }
}

void TcpServer::on_sweep(uv_timer_t* t) {
    auto* self = static_cast<TcpServer*>(t->data);
    self->sweep_idle();
    self->dispatcher_.registry().expire_empty_rooms();
}

void TcpServer::sweep_idle() {
    if (limits_.idle_timeout_ms <= 0) return;
    auto deadline = static_cast<std::int64_t>(uv_now(loop_)) - limits_.idle_timeout_ms;
    for_each_session([&](TcpSession& s) {
        if (!s.closing() && s.idle_since(deadline)) s.finish(CloseReason::idle);
    });
}

void TcpServer::stop_accepting() {
    if (!listener_open_) return;
    listener_open_ = false;
    uv_close(reinterpret_cast<uv_handle_t*>(&listener_), nullptr);
}

void TcpServer::drain(std::function<void()> on_empty) {
    on_empty_ = std::move(on_empty);
    for_each_session([](TcpSession& s) { s.finish(CloseReason::shutdown); });
    if (sessions_ == 0 && on_empty_) {
        auto done = std::move(on_empty_);
        on_empty_ = nullptr;
        done();
    }
}

void TcpServer::close_all_now() {
    for_each_session([](TcpSession& s) { s.close_now(CloseReason::shutdown); });
}

void TcpServer::close() {
    stop_accepting();
    if (!handles_open_) return;
    handles_open_ = false;
    uv_close(reinterpret_cast<uv_handle_t*>(&check_), nullptr);
    uv_close(reinterpret_cast<uv_handle_t*>(&idle_), nullptr);
    uv_close(reinterpret_cast<uv_handle_t*>(&sweep_), nullptr);
}

}  // namespace parley::server
