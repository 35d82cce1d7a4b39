#pragma once
// One TCP connection: the uv_tcp_t, the protocol Client it feeds, and its
// write queue. Output is never written from inside a fan-out: send() only
// queues and marks the session dirty, and the server flushes every dirty
// session once per loop turn, so all frames a turn owes a connection leave in
// one writev.
#include <cstdint>
#include <memory>
#include <string>
#include <uv.h>

#include "parley/client.hpp"
#include "parley/tls_channel.hpp"
#include "parley/transport.hpp"
#include "parley/write_queue.hpp"

namespace parley::server {

class TcpServer;

enum class CloseReason : std::uint8_t {
    quit, eof, reset, error, idle, slow_consumer, shutdown, tls_error, handshake_timeout,
};
const char* to_string(CloseReason reason);

class TcpSession final : public Transport {
public:
    // With `tls`, the session speaks TLS and the Client sees only plaintext.
    TcpSession(TcpServer& server, const TlsContext* tls);
    ~TcpSession() override;
    TcpSession(const TcpSession&) = delete;
    TcpSession& operator=(const TcpSession&) = delete;

    uv_tcp_t* handle() { return &tcp_; }
    // After uv_accept: remember the peer and start reading.
    void start(std::string peer);

    void send(SharedFrame frame) override;
    void send_copy(std::string_view bytes) override;
    void close_after_flush() override;
    void limit_hit(ErrorCode code) override;
    void pause_reading() override;
    void resume_reading() override;
    bool output_backlogged() const override;
    bool input_yielded() override;
    // The server's next turn after input_yielded(): run what the client held.
    void continue_input();

    // Writes what is queued (called once per loop turn by the server).
    void flush();
    // Stops reading, leaves every room, flushes, then closes with FIN.
    void finish(CloseReason reason);
    // Closes at once, dropping what is queued.
    void close_now(CloseReason reason);

    bool idle_since(std::int64_t deadline_ms) const { return last_read_ms_ < deadline_ms; }
    // After our FIN, waiting (at most until the deadline) for the peer's.
    bool lingering_since(std::int64_t deadline_ms) const {
        return state_ == State::lingering && last_read_ms_ < deadline_ms;
    }
    void stop_lingering() { begin_close(reason_); }
    bool was_lingering() const { return lingered_; }
    bool handshake_pending_since(std::int64_t deadline_ms) const {
        return tls_ && !tls_->channel.handshake_done() && opened_ms_ < deadline_ms;
    }
    bool closing() const { return state_ == State::closing; }

    // Intrusive links of the server's session list.
    TcpSession* prev = nullptr;
    TcpSession* next = nullptr;
    bool dirty = false;
    bool answer_queued = false;   // a reply waits: flushed before plain fan-out
    bool input_deferred = false;  // on the server's list for continue_input()

private:
    // open -> flushing (output drains, then FIN) -> lingering (input is read
    // and dropped until the peer's FIN, so a late byte from it does not make
    // our kernel answer with RST) -> closing.
    enum class State : std::uint8_t { open, flushing, lingering, closing };

    static void on_alloc(uv_handle_t* h, std::size_t suggested, uv_buf_t* buf);
    static void on_read(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf);
    static void on_write(uv_write_t* req, int status);
    static void on_shutdown(uv_shutdown_t* req, int status);
    static void on_close(uv_handle_t* h);

    // Plaintext frames and, for TLS, the records made from them.
    struct TlsState {
        TlsChannel channel;
        WriteQueue wire;
    };

    // The queue whose bytes go to the socket as they are.
    WriteQueue& wire() { return tls_ ? tls_->wire : queue_; }
    std::size_t unsent_bytes() const { return queue_.pending_bytes() + (tls_ ? tls_->wire.pending_bytes() : 0); }
    void received(std::string_view bytes);
    void peer_finished();  // its FIN, or TLS close_notify
    bool encrypt_queued();
    void write_wire();
    void queued();  // after anything was queued: limit check, flush this turn
    void cut_off_slow_consumer();
    void begin_close(CloseReason reason);
    void log_closed();

    TcpServer& server_;
    uv_tcp_t tcp_;
    Client client_;
    WriteQueue queue_;
    std::unique_ptr<TlsState> tls_;  // null for plain TCP: 8 bytes, not a channel
    std::string peer_;
    std::int64_t opened_ms_ = 0;
    std::int64_t last_read_ms_ = 0;
    std::uint64_t bytes_in_ = 0;
    std::uint64_t bytes_out_ = 0;
    State state_ = State::open;
    CloseReason reason_ = CloseReason::eof;
    bool writing_ = false;        // one uv_write in flight at most
    bool shutdown_sent_ = false;
    bool lingered_ = false;
    bool over_limit_ = false;     // queued past --max-output
    bool resume_when_drained_ = false;  // the client yielded to its own backlog
    bool peer_finished_ = false;        // FIN came while the client held input
    std::uint8_t limits_logged_ = 0;  // bit per ErrorCode: log each limit once per connection
};

}  // namespace parley::server
