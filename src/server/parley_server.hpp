#pragma once
// parleyd as a whole: one loop, the TCP and UDP services, signals, and the
// drain that ends the process. It is the Lifecycle the protocol layer calls.
#include <memory>
#include <optional>
#include <spdlog/logger.h>
#include <uv.h>

#include "cluster_backend.hpp"
#include "loop_clock.hpp"
#include "parley/dispatcher.hpp"
#include "server_options.hpp"
#include "tcp_server.hpp"
#include "udp_echo.hpp"

namespace parley::server {

class ParleyServer final : public Lifecycle {
public:
    ParleyServer(uv_loop_t* loop, const ServerOptions& options, std::size_t max_clients,
                 std::shared_ptr<spdlog::logger> log);

    // Binds everything and prints the ready line; returns exit status 1 with
    // a message on standard error when a port cannot be bound, else 0.
    int start();
    // Runs until drained; returns the exit status.
    int run();

    void shutdown_started(ShutdownReason reason) override;
    void log_message(const Client& from, std::string_view where, std::string_view text) override;

private:
    static void on_signal(uv_signal_t* h, int signum);
    void finish();
    std::string start_cluster();

    uv_loop_t* loop_;
    const ServerOptions& options_;
    std::shared_ptr<spdlog::logger> log_;
    LoopClock clock_;
    Dispatcher dispatcher_;
    TcpServer tcp_;
    UdpEcho udp_;
    std::optional<TlsContext> tls_;
    cluster::ClusterBackend* cluster_ = nullptr;  // owned by the dispatcher
    uv_signal_t sigint_{};
    uv_signal_t sigterm_{};
    uv_timer_t drain_timer_{};
    bool draining_ = false;
};

}  // namespace parley::server
