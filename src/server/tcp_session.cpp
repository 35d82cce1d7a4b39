#include "tcp_session.hpp"

#include <algorithm>
#include <array>
#include <cstring>

#include "tcp_server.hpp"

namespace parley::server {

namespace {
// Per writev: enough iovecs to coalesce a busy turn, few enough to stay on
// the stack, and a byte cap so one connection cannot hog a turn.
constexpr std::size_t kMaxIov = 64;
constexpr std::size_t kMaxBytesPerWrite = 256 * 1024;
// Several small frames are copied into one buffer for the immediate attempt:
// the kernel takes one segment faster than dozens of short ones (a turn of a
// busy room owes each member many short messages).
constexpr std::size_t kFlattenBytes = 16 * 1024;

struct WriteRequest {
    uv_write_t req;
    std::size_t bytes;
};

constexpr char kSlowConsumerJson[] =
    "{\"type\":\"error\",\"code\":\"slow_consumer\",\"message\":\"output buffer limit reached; reconnect and use "
    "history to catch up\"}\n";
constexpr char kSlowConsumerText[] = "! slow_consumer: output buffer limit reached\n";
}  // namespace

const char* to_string(CloseReason reason) {
    switch (reason) {
        case CloseReason::quit: return "quit";
        case CloseReason::eof: return "client closed";
        case CloseReason::reset: return "connection reset";
        case CloseReason::error: return "error";
        case CloseReason::idle: return "idle timeout";
        case CloseReason::slow_consumer: return "slow consumer";
        case CloseReason::shutdown: return "server shutdown";
        case CloseReason::tls_error: return "TLS error";
        case CloseReason::handshake_timeout: return "TLS handshake timeout";
    }
    return "?";
}

TcpSession::TcpSession(TcpServer& server, const TlsContext* tls)
    : server_(server), client_(server.dispatcher(), *this) {
    uv_tcp_init(server_.loop(), &tcp_);
    tcp_.data = this;
    if (tls) tls_.reset(new TlsState{TlsChannel(*tls, /*is_server=*/true), {}});
    opened_ms_ = last_read_ms_ = static_cast<std::int64_t>(uv_now(server_.loop()));
}

TcpSession::~TcpSession() = default;

void TcpSession::start(std::string peer) {
    peer_ = std::move(peer);
    server_.log().info("open {}{} as {}", peer_, tls_ ? " (TLS)" : "", client_.nick());
    uv_read_start(reinterpret_cast<uv_stream_t*>(&tcp_), on_alloc, on_read);
}

void TcpSession::on_alloc(uv_handle_t*, std::size_t, uv_buf_t* buf) {
    std::size_t size;
    char* base = TcpServer::read_buffer(size);
    *buf = uv_buf_init(base, static_cast<unsigned>(size));
}

void TcpSession::on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
    auto* self = static_cast<TcpSession*>(stream->data);
    if (self->state_ == State::lingering) {
        if (nread < 0) self->begin_close(self->reason_);
        return;
    }
    if (nread > 0) {
        self->last_read_ms_ = static_cast<std::int64_t>(uv_now(self->server_.loop()));
        self->bytes_in_ += static_cast<std::uint64_t>(nread);
        self->server_.dispatcher().counters().bytes_in += static_cast<std::uint64_t>(nread);
        self->received({buf->base, static_cast<std::size_t>(nread)});
    } else if (nread == UV_EOF) {
        self->peer_finished();
    } else if (nread < 0) {
        self->close_now(nread == UV_ECONNRESET ? CloseReason::reset : CloseReason::error);
    }
}

void TcpSession::received(std::string_view bytes) {
    if (!tls_) {
        client_.receive(bytes);
        return;
    }
    auto& channel = tls_->channel;
    bool ok = channel.receive(bytes, [this](std::string_view plain) { client_.receive(plain); });
    if (!ok) {
        server_.log().warn("{}: {}", peer_, channel.error());
        close_now(CloseReason::tls_error);
        return;
    }
    if (channel.output_pending() > 0) server_.mark_dirty(this);  // handshake replies
    if (channel.peer_closed()) peer_finished();
}

void TcpSession::send(SharedFrame frame) {
    // Once finishing, what was queued is flushed but nothing new is taken:
    // the FIN may already be on its way.
    if (state_ != State::open) return;
    queue_.push(std::move(frame));
    queued();
}

void TcpSession::send_copy(std::string_view bytes) {
    if (state_ != State::open) return;
    queue_.append(bytes);
    answer_queued = true;
    queued();
}

void TcpSession::queued() {
    if (unsent_bytes() > server_.limits().max_output) over_limit_ = true;
    server_.mark_dirty(this);
}

void TcpSession::close_after_flush() { finish(CloseReason::quit); }

void TcpSession::pause_reading() { uv_read_stop(reinterpret_cast<uv_stream_t*>(&tcp_)); }

void TcpSession::resume_reading() {
    if (state_ == State::open && !peer_finished_)
        uv_read_start(reinterpret_cast<uv_stream_t*>(&tcp_), on_alloc, on_read);
}

// A quarter of --max-output: a client's own requests stop while this much of
// its output waits, so its replies (at most half the limit each) never push
// it over; only events it did not ask for can.
bool TcpSession::output_backlogged() const { return unsent_bytes() > server_.limits().max_output / 4; }

bool TcpSession::input_yielded() {
    if (output_backlogged()) resume_when_drained_ = true;
    else server_.defer_input(this);
    return true;
}

void TcpSession::continue_input() {
    if (state_ != State::open) return;
    client_.continue_input();
    if (peer_finished_ && !client_.yielded()) finish(CloseReason::eof);
}

void TcpSession::peer_finished() {
    // Requests sent before the FIN still run (a script piped into nc ends
    // with one); the close waits until the client has caught up with them.
    if (client_.yielded()) {
        peer_finished_ = true;
        uv_read_stop(reinterpret_cast<uv_stream_t*>(&tcp_));
        return;
    }
    finish(CloseReason::eof);
}

void TcpSession::limit_hit(ErrorCode code) {
    // Once per connection and limit: a flooder must not flood the log too.
    auto bit = static_cast<std::uint8_t>(1u << (code == ErrorCode::rate_limited ? 0 : 1));
    if (limits_logged_ & bit) return;
    limits_logged_ |= bit;
    server_.log().warn("{} ({}) hit a limit: {} (logged once per connection)", peer_, client_.nick(), to_string(code));
}

void TcpSession::finish(CloseReason reason) {
    if (state_ != State::open) return;
    state_ = State::flushing;
    reason_ = reason;
    uv_read_stop(reinterpret_cast<uv_stream_t*>(&tcp_));
    client_.disconnect(LeaveReason::disconnect);  // no-op after quit
    server_.mark_dirty(this);
}

bool TcpSession::encrypt_queued() {
    auto& channel = tls_->channel;
    while (!queue_.empty()) {
        std::array<std::string_view, kMaxIov> views;
        std::size_t n = queue_.gather(views, SIZE_MAX);
        std::size_t total = 0;
        for (std::size_t i = 0; i < n; ++i) {
            if (!channel.send(views[i])) return false;
            total += views[i].size();
        }
        queue_.consume(total);
    }
    if (state_ == State::flushing && !shutdown_sent_) channel.close();  // close_notify before the FIN
    if (channel.output_pending() > 0)
        tls_->wire.push(std::make_shared<const std::string>(channel.take_output()));
    return true;
}

void TcpSession::flush() {
    if (state_ == State::closing) return;
    if (over_limit_) {
        cut_off_slow_consumer();
        return;
    }
    if (tls_ && !encrypt_queued()) {
        server_.log().warn("{}: {}", peer_, tls_->channel.error());
        close_now(CloseReason::tls_error);
        return;
    }
    write_wire();
}

void TcpSession::write_wire() {
    auto* stream = reinterpret_cast<uv_stream_t*>(&tcp_);
    WriteQueue& out = wire();
    while (!writing_ && !out.empty()) {
        std::array<std::string_view, kMaxIov> views;
        std::array<uv_buf_t, kMaxIov> bufs;
        std::size_t n = out.gather(views, kMaxBytesPerWrite);
        std::size_t total = 0;
        for (std::size_t i = 0; i < n; ++i) {
            bufs[i] = uv_buf_init(const_cast<char*>(views[i].data()), static_cast<unsigned>(views[i].size()));
            total += views[i].size();
        }
        int written;
        if (n > 2 && total <= kFlattenBytes) {
            // The copy lives only through this synchronous attempt; what it
            // does not take stays queued and goes out from the queue itself.
            static char flat[kFlattenBytes];
            std::size_t at = 0;
            for (std::size_t i = 0; i < n; ++i) {
                std::memcpy(flat + at, views[i].data(), views[i].size());
                at += views[i].size();
            }
            uv_buf_t one = uv_buf_init(flat, static_cast<unsigned>(total));
            written = uv_try_write(stream, &one, 1);
        } else {
            written = uv_try_write(stream, bufs.data(), static_cast<unsigned>(n));
        }
        if (written > 0) {
            bytes_out_ += static_cast<std::uint64_t>(written);
            server_.dispatcher().counters().bytes_out += static_cast<std::uint64_t>(written);
            out.consume(static_cast<std::size_t>(written));
            continue;
        }
        if (written != UV_EAGAIN) {
            close_now(CloseReason::error);
            return;
        }
        // The socket is full: let libuv finish the job when it drains. The
        // frames stay in the queue, keeping the bytes alive until on_write.
        auto* w = new WriteRequest{{}, total};
        w->req.data = this;
        if (uv_write(&w->req, stream, bufs.data(), static_cast<unsigned>(n), on_write) != 0) {
            delete w;
            close_now(CloseReason::error);
            return;
        }
        writing_ = true;
    }
    if (state_ == State::flushing && !writing_ && out.empty() && queue_.empty() && !shutdown_sent_) {
        shutdown_sent_ = true;
        auto* req = new uv_shutdown_t;
        req->data = this;
        if (uv_shutdown(req, stream, on_shutdown) != 0) {
            delete req;
            begin_close(reason_);
        }
    }
    if (resume_when_drained_ && state_ == State::open && !output_backlogged()) {
        resume_when_drained_ = false;
        server_.defer_input(this);
    }
}

void TcpSession::on_write(uv_write_t* req, int status) {
    auto* w = reinterpret_cast<WriteRequest*>(req);
    auto* self = static_cast<TcpSession*>(req->data);
    std::size_t bytes = w->bytes;
    delete w;
    self->writing_ = false;
    if (status < 0) {
        if (self->state_ != State::closing) self->close_now(CloseReason::error);
        return;
    }
    self->bytes_out_ += bytes;
    self->server_.dispatcher().counters().bytes_out += bytes;
    self->wire().consume(bytes);
    self->server_.mark_dirty(self);
}

void TcpSession::on_shutdown(uv_shutdown_t* req, int status) {
    auto* self = static_cast<TcpSession*>(req->data);
    delete req;
    if (self->state_ == State::closing) return;
    // A server that is shutting down does not wait: the drain is bounded.
    if (status != 0 || self->reason_ == CloseReason::shutdown) {
        self->begin_close(self->reason_);
        return;
    }
    // Our FIN is out. Wait for the peer's (the server's sweep ends the wait)
    // so that whatever it still sends, a TLS close_notify say, is not met
    // with a reset.
    self->state_ = State::lingering;
    self->lingered_ = true;
    self->server_.started_lingering();
    self->last_read_ms_ = static_cast<std::int64_t>(uv_now(self->server_.loop()));
    if (uv_read_start(reinterpret_cast<uv_stream_t*>(&self->tcp_), on_alloc, on_read) != 0)
        self->begin_close(self->reason_);
}

void TcpSession::cut_off_slow_consumer() {
    server_.log().warn("{} ({}) cut off as a slow consumer: {} bytes unsent, limit {}", peer_, client_.nick(),
                       unsent_bytes(), server_.limits().max_output);
    client_.disconnect(LeaveReason::disconnect);
    // One try, without waiting, to say why; it only goes out when no write is
    // still in flight. Then RST, so the kernel drops what is still queued.
    if (!writing_) {
        std::string_view line = client_.mode() == Mode::json ? std::string_view(kSlowConsumerJson)
                                                             : std::string_view(kSlowConsumerText);
        std::string record;
        if (tls_ && tls_->channel.handshake_done() && tls_->channel.send(line)) {
            record = tls_->channel.take_output();
            line = record;
        }
        if (!tls_ || !record.empty()) {
            uv_buf_t buf = uv_buf_init(const_cast<char*>(line.data()), static_cast<unsigned>(line.size()));
            uv_try_write(reinterpret_cast<uv_stream_t*>(&tcp_), &buf, 1);
        }
    }
    reason_ = CloseReason::slow_consumer;
    state_ = State::closing;
    if (uv_tcp_close_reset(&tcp_, on_close) != 0) uv_close(reinterpret_cast<uv_handle_t*>(&tcp_), on_close);
}

void TcpSession::close_now(CloseReason reason) {
    if (state_ == State::closing) return;
    begin_close(reason);
}

void TcpSession::begin_close(CloseReason reason) {
    reason_ = reason;
    state_ = State::closing;
    uv_close(reinterpret_cast<uv_handle_t*>(&tcp_), on_close);
}

void TcpSession::on_close(uv_handle_t* h) {
    auto* self = static_cast<TcpSession*>(h->data);
    self->client_.disconnect(LeaveReason::disconnect);
    self->log_closed();
    self->server_.unlink(self);
    delete self;
}

void TcpSession::log_closed() {
    // Seconds with three decimals from integer milliseconds: fmt's
    // floating-point path trips UBSan's vptr check against Debian's libfmt.
    auto ms = std::max<std::int64_t>(0, static_cast<std::int64_t>(uv_now(server_.loop())) - opened_ms_);
    server_.log().info("close {} ({}): {}, {}.{:03}s, {} bytes in, {} bytes out", peer_, client_.nick(),
                       to_string(reason_), ms / 1000, ms % 1000, bytes_in_, bytes_out_);
}

}  // namespace parley::server
