#pragma once
// One client TCP connection on the worker's libuv loop. Output is gathered in
// a string and flushed once per read callback or timer tick, trying a
// synchronous write first (the common case on loopback) and falling back to
// uv_write for what the kernel did not take. Input that ends mid-frame is
// carried over to the next read; complete frames are handed to the listener
// straight out of the loop's shared read buffer, without a copy.
//
// With use_tls(), the same connection runs TLS over memory BIOs: the listener
// still writes and reads plaintext, and hears on_connected only once the
// handshake is done. A failed handshake is reported there, as kTlsFailed.
#include <uv.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "parley/tls_channel.hpp"

namespace parley::bench {

class TcpConn;

// The status a TLS failure is reported with; error_message() has OpenSSL's reason.
inline constexpr int kTlsFailed = UV_EPROTO;

class ConnListener {
 public:
  virtual ~ConnListener() = default;
  virtual void on_connected(TcpConn& conn, int status) = 0;
  // Consumes complete frames from data; returns how many bytes it used. The
  // rest is kept and offered again, with more bytes behind it, on the next read.
  virtual size_t on_data(TcpConn& conn, std::string_view data, uint64_t rx_ns) = 0;
  virtual void on_closed(TcpConn& conn, int status) = 0;
};

class TcpConn {
 public:
  TcpConn(uv_loop_t* loop, ConnListener* listener, uint32_t tag);
  TcpConn(const TcpConn&) = delete;
  TcpConn& operator=(const TcpConn&) = delete;

  // `source` (may be null) is bound first, with IP_BIND_ADDRESS_NO_PORT so the
  // port is picked at connect time per destination, not reserved per address.
  int connect(const sockaddr* dest, const sockaddr* source);
  // Before connect(): speak TLS, checking the certificate against `host`.
  void use_tls(const TlsContext& ctx, const std::string& host);

  // What a nonzero status handed to the listener means: a short name for
  // error counts, and a one-line explanation.
  std::string error_kind(int status) const;
  std::string error_message(int status) const;

  std::string& out() { return out_; }
  void flush();
  void close();

  uint32_t tag() const { return tag_; }
  bool open() const { return state_ == State::Open; }
  bool closed() const { return state_ == State::Closed; }
  // True once close() ran or the peer went away: no more output is sent.
  bool closing() const { return state_ == State::Closing || state_ == State::Closed; }
  size_t pending_output() const { return out_.size() + inflight_.size() + tls_out_.size(); }

  uint64_t user_ns = 0;  // free slot for the driver (e.g. connect start time)

 private:
  // Handshaking: TCP is up, TLS is not yet; only ciphertext moves.
  enum class State { Idle, Connecting, Handshaking, Open, Closing, Closed };

  static void on_connect_cb(uv_connect_t* req, int status);
  static void on_alloc_cb(uv_handle_t* handle, size_t suggested, uv_buf_t* buf);
  static void on_read_cb(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  static void on_write_cb(uv_write_t* req, int status);
  static void on_close_cb(uv_handle_t* handle);
  void fail(int status);
  void deliver(std::string_view data);
  void receive_tls(std::string_view ciphertext);
  void became_open();
  // Writes `buf` (out_ or tls_out_), leaving it empty; what the kernel does
  // not take at once goes to inflight_ behind a uv_write.
  void write_out(std::string& buf);
  // One try, without waiting, to send the last bytes before a close (a TLS
  // alert or close_notify); no write may be in flight.
  void write_last(std::string bytes);

  uv_loop_t* loop_;
  uv_tcp_t handle_{};
  uv_connect_t connect_req_{};
  uv_write_t write_req_{};
  ConnListener* listener_;
  uint32_t tag_;
  State state_ = State::Idle;
  bool writing_ = false;
  bool quiet_close_ = false;
  int close_status_ = 0;
  std::string out_;       // queued, not yet handed to the kernel
  std::string inflight_;  // owned by a pending uv_write
  std::string carry_;     // start of a frame that the last read cut off
  std::unique_ptr<TlsChannel> tls_;  // null on a plain connection
  std::string tls_out_;   // ciphertext not yet handed to the kernel
};

}  // namespace parley::bench
