#pragma once
// The TCP listener and the set of live sessions: accept, the once-per-turn
// flush of dirty sessions, the idle sweep, and the drain on shutdown.
#include <cstdint>
#include <functional>
#include <memory>
#include <spdlog/logger.h>
#include <string>
#include <uv.h>
#include <vector>

#include "parley/dispatcher.hpp"
#include "parley/tls_channel.hpp"

namespace parley::server {

class TcpSession;

struct TcpLimits {
    std::size_t max_clients = 1000;
    std::size_t max_output = 8 * 1024 * 1024;
    std::int64_t idle_timeout_ms = 0;  // 0: never
    std::int64_t tls_handshake_timeout_ms = 10'000;
};

class TcpServer {
public:
    TcpServer(uv_loop_t* loop, Dispatcher& dispatcher, spdlog::logger& log, TcpLimits limits);
    ~TcpServer();
    TcpServer(const TcpServer&) = delete;
    TcpServer& operator=(const TcpServer&) = delete;

    // Binds and listens, speaking TLS when `tls` is given; returns the reason
    // on failure. Listeners are numbered in the order they were added.
    std::string listen(const sockaddr* addr, const TlsContext* tls = nullptr, bool reuse_port = false);
    std::string bound_address(std::size_t listener = 0) const;

    void stop_accepting();
    // Every session flushes and closes; `on_empty` runs once none is left.
    void drain(std::function<void()> on_empty);
    void close_all_now();
    // Closes the server's own handles (after the sessions are gone).
    void close();

    std::size_t session_count() const { return sessions_; }

    // For sessions.
    uv_loop_t* loop() const { return loop_; }
    Dispatcher& dispatcher() { return dispatcher_; }
    spdlog::logger& log() { return log_; }
    const TcpLimits& limits() const { return limits_; }
    void mark_dirty(TcpSession* s);
    // The session's client yielded: continue its input at the next turn,
    // after every other connection had its chance.
    void defer_input(TcpSession* s);
    // A session that said goodbye and only waits for the peer's FIN no longer
    // takes a --max-clients slot.
    void started_lingering() { ++lingering_; }
    void unlink(TcpSession* s);
    static char* read_buffer(std::size_t& size);

private:
    struct Listener {
        uv_tcp_t tcp;  // first member: the close callback casts back
        TcpServer* owner;
        const TlsContext* tls;
    };

    static void on_connection(uv_stream_t* listener, int status);
    static void on_check(uv_check_t* h);
    static void on_idle(uv_idle_t* h);
    static void on_sweep(uv_timer_t* t);
    void accept_one(Listener& from);
    void reject_full(Listener& from);
    void flush_dirty();
    void run_deferred();
    void sweep_idle();
    template <class F> void for_each_session(F&& f);

    uv_loop_t* loop_;
    Dispatcher& dispatcher_;
    spdlog::logger& log_;
    TcpLimits limits_;
    std::vector<Listener*> listeners_;
    uv_check_t check_{};
    uv_idle_t idle_{};  // runs deferred input; keeps poll from blocking while work waits
    uv_timer_t sweep_{};
    bool handles_open_ = false;
    TcpSession* head_ = nullptr;
    std::size_t sessions_ = 0;
    std::size_t lingering_ = 0;
    std::vector<TcpSession*> dirty_;
    std::vector<TcpSession*> deferred_;
    std::function<void()> on_empty_;
    std::uint64_t last_accept_error_log_ms_ = 0;
    std::uint64_t last_refusal_log_ms_ = 0;
    std::uint64_t refused_unlogged_ = 0;
};

}  // namespace parley::server
