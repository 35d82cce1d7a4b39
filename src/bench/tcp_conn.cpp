#include "tcp_conn.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "clock.hpp"

namespace parley::bench {

namespace {
// One read buffer per process: reads are consumed before the next one starts.
constexpr size_t kReadBuffer = 256 * 1024;
char g_read_buffer[kReadBuffer];
}  // namespace

TcpConn::TcpConn(uv_loop_t* loop, ConnListener* listener, uint32_t tag)
    : loop_(loop), listener_(listener), tag_(tag) {}

int TcpConn::connect(const sockaddr* dest, const sockaddr* source) {
  // init_ex creates the socket now, so options can be set before bind.
  int rc = uv_tcp_init_ex(loop_, &handle_, dest->sa_family);
  if (rc != 0) {
    state_ = State::Closed;
    return rc;
  }
  handle_.data = this;
  state_ = State::Connecting;
  if (source != nullptr) {
    uv_os_fd_t fd = -1;
    if (uv_fileno(reinterpret_cast<uv_handle_t*>(&handle_), &fd) == 0) {
#ifdef IP_BIND_ADDRESS_NO_PORT
      int one = 1;
      setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
#endif
    }
    rc = uv_tcp_bind(&handle_, source, 0);
  }
  if (rc == 0) {
    uv_tcp_nodelay(&handle_, 1);
    connect_req_.data = this;
    rc = uv_tcp_connect(&connect_req_, &handle_, dest, on_connect_cb);
  }
  if (rc != 0) {
    // The caller learns of the failure from the return value alone.
    quiet_close_ = true;
    close();
  }
  return rc;
}

void TcpConn::use_tls(const TlsContext& ctx, const std::string& host) {
  tls_ = std::make_unique<TlsChannel>(ctx, /*is_server=*/false, host);
}

void TcpConn::on_connect_cb(uv_connect_t* req, int status) {
  auto* self = static_cast<TcpConn*>(req->data);
  if (self->state_ != State::Connecting) return;
  if (status != 0) {
    self->fail(status);
    self->listener_->on_connected(*self, status);
    return;
  }
  uv_read_start(reinterpret_cast<uv_stream_t*>(&self->handle_), on_alloc_cb, on_read_cb);
  if (self->tls_) {
    self->state_ = State::Handshaking;
    self->tls_->start();
    if (!self->tls_->error().empty()) {
      self->fail(kTlsFailed);
      return;
    }
    self->flush();  // the ClientHello
    return;
  }
  self->became_open();
  self->flush();
}

// Does not flush: inside a TLS read the channel is busy decrypting, and the
// read callback flushes once it is done.
void TcpConn::became_open() {
  state_ = State::Open;
  listener_->on_connected(*this, 0);
}

void TcpConn::on_alloc_cb(uv_handle_t*, size_t, uv_buf_t* buf) {
  buf->base = g_read_buffer;
  buf->len = kReadBuffer;
}

void TcpConn::on_read_cb(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  auto* self = static_cast<TcpConn*>(stream->data);
  if (nread > 0) {
    const std::string_view data(buf->base, static_cast<size_t>(nread));
    if (self->tls_) {
      self->receive_tls(data);
    } else {
      self->deliver(data);
    }
    if (self->state_ == State::Open || self->state_ == State::Handshaking) self->flush();
  } else if (nread < 0) {
    self->fail(static_cast<int>(nread));
  }
}

void TcpConn::deliver(std::string_view data) {
  const uint64_t rx = now_ns();
  if (carry_.empty()) {
    const size_t used = listener_->on_data(*this, data, rx);
    if (used < data.size() && state_ == State::Open) carry_.assign(data.substr(used));
    return;
  }
  carry_.append(data);
  const size_t used = listener_->on_data(*this, carry_, rx);
  if (state_ == State::Open) carry_.erase(0, used);
}

void TcpConn::receive_tls(std::string_view ciphertext) {
  const bool ok = tls_->receive(ciphertext, [this](std::string_view plain) {
    // The last handshake record and the first application data can share a
    // read: the listener hears "connected" before it sees any of that data.
    if (state_ == State::Handshaking) became_open();
    if (state_ == State::Open) deliver(plain);
  });
  if (state_ == State::Closing || state_ == State::Closed) return;  // the listener closed it meanwhile
  if (!ok) {
    // Best effort: the alert tells the server why the client gave up.
    if (!writing_) write_last(tls_->take_output());
    fail(kTlsFailed);
    return;
  }
  if (state_ == State::Handshaking && tls_->handshake_done()) became_open();
  if (tls_->peer_closed()) fail(UV_EOF);
}

void TcpConn::flush() {
  if (writing_) return;
  if (tls_) {
    if (state_ != State::Open && state_ != State::Handshaking) return;
    if (!out_.empty()) {
      if (!tls_->send(out_)) {
        fail(kTlsFailed);
        return;
      }
      out_.clear();
    }
    if (tls_->output_pending() == 0 && tls_out_.empty()) return;
    if (tls_out_.empty()) {
      tls_out_ = tls_->take_output();
    } else {
      tls_out_ += tls_->take_output();
    }
    write_out(tls_out_);
    return;
  }
  if (out_.empty() || state_ != State::Open) return;
  write_out(out_);
}

void TcpConn::write_out(std::string& buf) {
  uv_buf_t b = uv_buf_init(buf.data(), static_cast<unsigned>(buf.size()));
  const int n = uv_try_write(reinterpret_cast<uv_stream_t*>(&handle_), &b, 1);
  size_t written = 0;
  if (n > 0) {
    written = static_cast<size_t>(n);
  } else if (n != UV_EAGAIN) {
    fail(n);
    return;
  }
  if (written == buf.size()) {
    buf.clear();
    return;
  }
  inflight_.assign(buf, written, std::string::npos);
  buf.clear();
  b = uv_buf_init(inflight_.data(), static_cast<unsigned>(inflight_.size()));
  write_req_.data = this;
  writing_ = true;
  const int rc = uv_write(&write_req_, reinterpret_cast<uv_stream_t*>(&handle_), &b, 1, on_write_cb);
  if (rc != 0) {
    writing_ = false;
    fail(rc);
  }
}

void TcpConn::on_write_cb(uv_write_t* req, int status) {
  auto* self = static_cast<TcpConn*>(req->data);
  self->writing_ = false;
  self->inflight_.clear();
  if (status != 0) {
    self->fail(status);
    return;
  }
  self->flush();
}

void TcpConn::fail(int status) {
  if (state_ == State::Closing || state_ == State::Closed) return;
  // A connection that dies mid-handshake never connected: the listener hears
  // it where it hears of any other failed connect.
  const bool handshaking = state_ == State::Handshaking;
  close_status_ = status;
  close();
  if (handshaking) listener_->on_connected(*this, status);
}

std::string TcpConn::error_kind(int status) const {
  if (status == kTlsFailed && tls_) return tls_->handshake_done() ? "tls" : "tls_handshake";
  return uv_err_name(status);
}

std::string TcpConn::error_message(int status) const {
  if (status == kTlsFailed && tls_ && !tls_->error().empty()) return tls_->error();
  if (status == UV_EOF && tls_ && !tls_->handshake_done()) return "closed by the server during the TLS handshake";
  return uv_strerror(status);
}

void TcpConn::write_last(std::string bytes) {
  if (bytes.empty()) return;
  uv_buf_t b = uv_buf_init(bytes.data(), static_cast<unsigned>(bytes.size()));
  uv_try_write(reinterpret_cast<uv_stream_t*>(&handle_), &b, 1);
}

void TcpConn::close() {
  if (state_ == State::Closing || state_ == State::Closed) return;
  if (state_ == State::Idle) {
    state_ = State::Closed;
    return;
  }
  if (tls_ && state_ == State::Open && close_status_ == 0 && !writing_) {
    // An orderly close says so (close_notify); best effort, as with TCP's FIN.
    tls_->close();
    write_last(tls_out_ + tls_->take_output());
  }
  state_ = State::Closing;
  carry_.clear();
  carry_.shrink_to_fit();
  uv_close(reinterpret_cast<uv_handle_t*>(&handle_), on_close_cb);
}

void TcpConn::on_close_cb(uv_handle_t* handle) {
  auto* self = static_cast<TcpConn*>(handle->data);
  self->state_ = State::Closed;
  if (!self->quiet_close_) self->listener_->on_closed(*self, self->close_status_);
}

}  // namespace parley::bench
