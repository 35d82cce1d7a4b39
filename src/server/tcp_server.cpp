#include "tcp_server.hpp"

#include <cerrno>
#include <cstring>
#include <sys/socket.h>
#include <unistd.h>

#include "address.hpp"
#include "tcp_session.hpp"

namespace parley::server {

namespace {
constexpr int kBacklog = 1024;
constexpr std::uint64_t kSweepIntervalMs = 1000;
// How long a closed-by-us connection waits for the peer's FIN.
constexpr std::int64_t kLingerMs = 2000;
constexpr char kServerFull[] =
    "{\"type\":\"error\",\"code\":\"server_full\",\"message\":\"the server has no room for another connection\"}\n";

// A connection turned away at the door: it never becomes a session.
struct Rejected {
    uv_tcp_t tcp;
};
}  // namespace

TcpServer::TcpServer(uv_loop_t* loop, Dispatcher& dispatcher, spdlog::logger& log, TcpLimits limits)
    : loop_(loop), dispatcher_(dispatcher), log_(log), limits_(limits) {
    uv_check_init(loop_, &check_);
    check_.data = this;
    uv_check_start(&check_, on_check);
    uv_idle_init(loop_, &idle_);
    idle_.data = this;
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

namespace {
// libuv 1.44 has no flag for SO_REUSEPORT, so the socket is made by hand and
// handed over with uv_tcp_open.
int open_reuse_port_socket(uv_tcp_t* tcp, const sockaddr* addr) {
    int fd = socket(addr->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return uv_translate_sys_error(errno);
    int on = 1;
    socklen_t len = addr->sa_family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0 ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on) != 0 || bind(fd, addr, len) != 0) {
        int err = uv_translate_sys_error(errno);
        ::close(fd);
        return err;
    }
    int rc = uv_tcp_open(tcp, fd);
    if (rc != 0) ::close(fd);
    return rc;
}
}  // namespace

std::string TcpServer::listen(const sockaddr* addr, const TlsContext* tls, bool reuse_port) {
    auto* l = new Listener{{}, this, tls};
    uv_tcp_init(loop_, &l->tcp);
    l->tcp.data = l;
    listeners_.push_back(l);
    int rc = reuse_port ? open_reuse_port_socket(&l->tcp, addr) : uv_tcp_bind(&l->tcp, addr, 0);
    if (rc == 0) rc = uv_listen(reinterpret_cast<uv_stream_t*>(&l->tcp), kBacklog, on_connection);
    if (rc != 0) return uv_strerror(rc);
    return {};
}

std::string TcpServer::bound_address(std::size_t listener) const {
    sockaddr_storage ss{};
    int len = sizeof ss;
    uv_tcp_getsockname(&listeners_.at(listener)->tcp, reinterpret_cast<sockaddr*>(&ss), &len);
    return format_address(reinterpret_cast<sockaddr*>(&ss));
}

void TcpServer::on_connection(uv_stream_t* stream, int status) {
    auto* listener = static_cast<Listener*>(stream->data);
    auto* self = listener->owner;
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
    if (self->sessions_ - self->lingering_ >= self->limits_.max_clients) self->reject_full(*listener);
    else self->accept_one(*listener);
}

void TcpServer::accept_one(Listener& from) {
    auto* s = new TcpSession(*this, from.tls);
    s->next = head_;
    if (head_) head_->prev = s;
    head_ = s;
    ++sessions_;
    auto* stream = reinterpret_cast<uv_stream_t*>(s->handle());
    if (uv_accept(reinterpret_cast<uv_stream_t*>(&from.tcp), stream) != 0) {
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

void TcpServer::reject_full(Listener& from) {
    auto* r = new Rejected;
    uv_tcp_init(loop_, &r->tcp);
    auto* stream = reinterpret_cast<uv_stream_t*>(&r->tcp);
    if (uv_accept(reinterpret_cast<uv_stream_t*>(&from.tcp), stream) == 0) {
        // On a TLS port the line would be noise before a handshake: just close.
        uv_buf_t buf = uv_buf_init(const_cast<char*>(kServerFull), sizeof kServerFull - 1);
        if (from.tls == nullptr) uv_try_write(stream, &buf, 1);
        // At most a line a second: a client reconnecting in a loop must not
        // be able to fill the log as fast as it can connect.
        ++refused_unlogged_;
        std::uint64_t now = uv_now(loop_);
        if (last_refusal_log_ms_ == 0 || now - last_refusal_log_ms_ >= 1000) {
            log_.warn("connection refused: --max-clients ({}) reached ({} refused since the last such line)",
                      limits_.max_clients, refused_unlogged_);
            last_refusal_log_ms_ = now;
            refused_unlogged_ = 0;
        }
    }
    uv_close(reinterpret_cast<uv_handle_t*>(&r->tcp), [](uv_handle_t* h) {
        delete reinterpret_cast<Rejected*>(h);  // tcp is the first member
    });
}

void TcpServer::mark_dirty(TcpSession* s) {
    if (s->dirty) return;
    s->dirty = true;
    uv_idle_start(&idle_, on_idle);
    dirty_.push_back(s);
}

void TcpServer::defer_input(TcpSession* s) {
    if (s->input_deferred) return;
    s->input_deferred = true;
    uv_idle_start(&idle_, on_idle);
    deferred_.push_back(s);
}

void TcpServer::run_deferred() {
    // Sessions deferred again while this batch runs wait for the next turn.
    std::vector<TcpSession*> batch;
    batch.swap(deferred_);
    for (TcpSession* s : batch) {
        s->input_deferred = false;
        s->continue_input();
    }
}

void TcpServer::on_check(uv_check_t* h) { static_cast<TcpServer*>(h->data)->flush_dirty(); }

void TcpServer::on_idle(uv_idle_t* h) { static_cast<TcpServer*>(h->data)->run_deferred(); }

void TcpServer::flush_dirty() {
    // Flushing can queue more (a cut-off client's `left` events), so repeat
    // until nothing new is dirty.
    std::vector<TcpSession*> batch;
    while (!dirty_.empty()) {
        batch.swap(dirty_);
        // Replies first: whoever sent a request may be waiting for the answer
        // before it sends more, while a fan-out's readers wait on nothing.
        // After one `say` to a big room the sender's `ok` would otherwise
        // leave behind a thousand other writes.
        for (TcpSession* s : batch) {
            if (!s->answer_queued) continue;
            s->answer_queued = false;
            s->dirty = false;
            s->flush();
        }
        for (TcpSession* s : batch) {
            if (!s->dirty) continue;
            s->dirty = false;
            s->flush();
        }
        batch.clear();
    }
    if (deferred_.empty()) uv_idle_stop(&idle_);
}

void TcpServer::unlink(TcpSession* s) {
    if (s->dirty) std::erase(dirty_, s);
    if (s->input_deferred) std::erase(deferred_, s);
    if (s->was_lingering()) --lingering_;
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
    self->dispatcher_.backend().housekeeping();
}

void TcpServer::sweep_idle() {
    auto now = static_cast<std::int64_t>(uv_now(loop_));
    auto idle_deadline = limits_.idle_timeout_ms > 0 ? now - limits_.idle_timeout_ms : INT64_MIN;
    auto handshake_deadline = now - limits_.tls_handshake_timeout_ms;
    auto linger_deadline = now - kLingerMs;
    for_each_session([&](TcpSession& s) {
        if (s.closing()) return;
        if (s.lingering_since(linger_deadline)) s.stop_lingering();
        else if (s.handshake_pending_since(handshake_deadline)) s.close_now(CloseReason::handshake_timeout);
        else if (s.idle_since(idle_deadline)) s.finish(CloseReason::idle);
    });
}

void TcpServer::stop_accepting() {
    for (Listener* l : listeners_) {
        uv_close(reinterpret_cast<uv_handle_t*>(&l->tcp), [](uv_handle_t* h) {
            delete reinterpret_cast<Listener*>(h);
        });
    }
    listeners_.clear();
}

void TcpServer::drain(std::function<void()> on_empty) {
    on_empty_ = std::move(on_empty);
    for_each_session([](TcpSession& s) {
        // Those already waiting for their peer's FIN need not hold up the exit.
        if (s.lingering_since(INT64_MAX)) s.stop_lingering();
        else s.finish(CloseReason::shutdown);
    });
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
