#include "parley_server.hpp"

#include <csignal>
#include <cstdio>
#include <unistd.h>
#include <climits>

#include "address.hpp"
#include "parley/client.hpp"

namespace parley::server {

ParleyServer::ParleyServer(uv_loop_t* loop, const ServerOptions& options, std::size_t max_clients,
                           std::shared_ptr<spdlog::logger> log)
    : loop_(loop),
      options_(options),
      log_(std::move(log)),
      clock_(loop),
      dispatcher_(options.protocol, clock_, *this),
      tcp_(loop, dispatcher_, *log_,
           TcpLimits{max_clients, options.max_output, static_cast<std::int64_t>(options.idle_timeout_s * 1000),
                     static_cast<std::int64_t>(options.tls_handshake_timeout_s * 1000)}),
      udp_(loop, *log_, dispatcher_.counters().udp_datagrams) {
    uv_signal_init(loop_, &sigint_);
    uv_signal_init(loop_, &sigterm_);
    sigint_.data = sigterm_.data = this;
    uv_timer_init(loop_, &drain_timer_);
    drain_timer_.data = this;
}

int ParleyServer::start() {
    sockaddr_storage tcp_addr{}, udp_addr{};
    auto fail = [&](const char* what, const std::string& address, const std::string& reason) {
        std::fprintf(stderr, "parleyd: cannot %s %s: %s\n", what, address.c_str(), reason.c_str());
        finish();
        uv_run(loop_, UV_RUN_DEFAULT);  // let the close callbacks run
        return 1;
    };
    if (auto err = resolve(options_.host, options_.tcp_port, tcp_addr); !err.empty())
        return fail("resolve", options_.host, err);
    if (!options_.cluster.empty()) {
        if (auto err = start_cluster(); !err.empty()) return fail("reach redis at", options_.cluster, err);
    }
    if (auto err = tcp_.listen(reinterpret_cast<sockaddr*>(&tcp_addr), nullptr, options_.reuse_port); !err.empty())
        return fail("listen on tcp", format_address(reinterpret_cast<sockaddr*>(&tcp_addr)), err);
    std::string udp_line = "off";
    if (options_.udp) {
        resolve(options_.host, options_.udp_port, udp_addr);
        if (auto err = udp_.start(reinterpret_cast<sockaddr*>(&udp_addr)); !err.empty())
            return fail("bind udp", format_address(reinterpret_cast<sockaddr*>(&udp_addr)), err);
        udp_line = udp_.bound_address();
    }
    std::string tls_line;
    if (!options_.tls_cert.empty()) {
        try {
            tls_ = TlsContext::server(options_.tls_cert, options_.tls_key);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "parleyd: %s\n", e.what());
            finish();
            uv_run(loop_, UV_RUN_DEFAULT);
            return 1;
        }
        sockaddr_storage tls_addr{};
        resolve(options_.host, options_.tls_port, tls_addr);
        if (auto err = tcp_.listen(reinterpret_cast<sockaddr*>(&tls_addr), &*tls_, options_.reuse_port); !err.empty())
            return fail("listen on tls", format_address(reinterpret_cast<sockaddr*>(&tls_addr)), err);
        tls_line = " tls=" + tcp_.bound_address(1);
    }
    uv_signal_start(&sigint_, on_signal, SIGINT);
    uv_signal_start(&sigterm_, on_signal, SIGTERM);

    std::printf("parleyd ready tcp=%s udp=%s%s\n", tcp_.bound_address().c_str(), udp_line.c_str(), tls_line.c_str());
    std::fflush(stdout);
    log_->info("listening on tcp {} and udp {}{}; up to {} clients", tcp_.bound_address(), udp_line, tls_line,
               tcp_.limits().max_clients);
    return 0;
}

int ParleyServer::run() {
    uv_run(loop_, UV_RUN_DEFAULT);
    log_->info("stopped");
    log_->flush();
    return 0;
}

void ParleyServer::on_signal(uv_signal_t* h, int signum) {
    auto* self = static_cast<ParleyServer*>(h->data);
    if (self->draining_) {
        // A second signal: the operator does not want to wait for the drain.
        self->log_->warn("signal {} during the drain: exiting now", signum);
        self->log_->flush();
        std::fflush(stdout);
        _exit(1);
    }
    self->log_->info("signal {}: shutting down", signum);
    self->dispatcher_.begin_shutdown(ShutdownReason::signal);
}

void ParleyServer::shutdown_started(ShutdownReason reason) {
    draining_ = true;
    log_->info("draining {} connections (reason: {}, at most {}s)", tcp_.session_count(), to_string(reason),
               options_.drain_timeout_s);
    tcp_.stop_accepting();
    udp_.close();
    uv_timer_start(
        &drain_timer_,
        [](uv_timer_t* t) {
            auto* self = static_cast<ParleyServer*>(t->data);
            self->log_->warn("drain timeout: closing {} connections now", self->tcp_.session_count());
            self->tcp_.close_all_now();
        },
        static_cast<std::uint64_t>(options_.drain_timeout_s * 1000), 0);
    tcp_.drain([this] { finish(); });
}

std::string ParleyServer::start_cluster() {
    cluster::ClusterOptions opts;
    cluster::parse_redis_url(options_.cluster, opts);  // checked with the flags
    opts.limits = options_.protocol.registry;
    opts.node_id = options_.node_id;
    if (opts.node_id.empty()) {
        char host[HOST_NAME_MAX + 1] = "node";
        gethostname(host, sizeof host);
        opts.node_id = std::string(host) + "-" + std::to_string(getpid());
    }
    auto backend = cluster::make_cluster_backend(loop_, *log_, clock_, opts);
    if (!backend) return "cluster mode is not available in this build";
    if (auto err = backend->start(); !err.empty()) return err;
    cluster_ = backend.get();
    dispatcher_.use_backend(std::move(backend));
    log_->info("cluster node {} through redis {}", opts.node_id, options_.cluster);
    return {};
}

void ParleyServer::finish() {
    // Closing every handle lets uv_run return.
    if (cluster_) cluster_->stop();
    tcp_.close();
    udp_.close();
    for (uv_signal_t* s : {&sigint_, &sigterm_})
        if (!uv_is_closing(reinterpret_cast<uv_handle_t*>(s))) uv_close(reinterpret_cast<uv_handle_t*>(s), nullptr);
    // The drain is over and the process is on its way out: a late signal
    // must not turn a clean exit into a death by signal.
    std::signal(SIGINT, SIG_IGN);
    std::signal(SIGTERM, SIG_IGN);
    if (!uv_is_closing(reinterpret_cast<uv_handle_t*>(&drain_timer_)))
        uv_close(reinterpret_cast<uv_handle_t*>(&drain_timer_), nullptr);
}

void ParleyServer::log_message(const Client& from, std::string_view where, std::string_view text) {
    log_->info("message {} in {}: {}", from.nick(), where, text);
}

}  // namespace parley::server
