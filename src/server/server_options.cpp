#include "server_options.hpp"

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>

#include "cluster_backend.hpp"
#include "parley_version.h"

namespace parley::server {

std::optional<int> parse_options(int argc, char** argv, ServerOptions& o) {
    CLI::App app{"parleyd: a single-threaded chat and echo server (JSON lines and text over TCP, echo over UDP)"};
    app.set_version_flag("--version", std::string("parleyd ") + PARLEY_VERSION);
    app.get_formatter()->column_width(34);

    auto& p = o.protocol;
    std::size_t max_rooms = p.registry.max_rooms_per_client;
    std::size_t history = p.registry.history;
    std::size_t max_clients = 0;
    std::string admin_token;

    app.add_option("--host", o.host, "Address to listen on (IPv4, IPv6 or a host name)")->capture_default_str();
    app.add_option("--tcp-port", o.tcp_port, "TCP port for chat; 0 lets the kernel choose")->capture_default_str();
    app.add_option("--udp-port", o.udp_port, "UDP port for echo; 0 lets the kernel choose")->capture_default_str();
    bool no_udp = false;
    app.add_flag("--no-udp", no_udp, "Do not open the UDP echo socket");
    auto* tls_port = app.add_option("--tls-port", o.tls_port, "TCP port for TLS; 0 lets the kernel choose")
                         ->capture_default_str();
    auto* tls_cert = app.add_option("--tls-cert", o.tls_cert, "PEM certificate (chain) file; turns TLS on")
                         ->check(CLI::ExistingFile);
    auto* tls_key = app.add_option("--tls-key", o.tls_key, "PEM private key file of --tls-cert")->check(CLI::ExistingFile);
    tls_cert->needs(tls_key);
    tls_key->needs(tls_cert);
    tls_port->needs(tls_cert);
    app.add_option("--tls-handshake-timeout", o.tls_handshake_timeout_s,
                   "Seconds a TLS client has to finish its handshake")
        ->check(CLI::Range(0.1, 3600.0))->capture_default_str();
    app.add_option("--max-frame", p.max_frame, "Longest frame in bytes, without its LF")
        ->check(CLI::Range(std::size_t{16}, std::size_t{16} << 20))->capture_default_str();
    app.add_option("--max-output", o.max_output, "Unsent bytes after which a client is cut off as a slow consumer")
        ->check(CLI::Range(std::size_t{1024}, std::size_t{1} << 34))->capture_default_str();
    auto* max_clients_opt = app.add_option("--max-clients", max_clients,
                                           "Most concurrent connections (default: the open-file limit less a reserve)")
                                ->check(CLI::Range(std::size_t{1}, std::size_t{100'000'000}));
    app.add_option("--max-rooms-per-client", max_rooms, "Most rooms one client may be in")
        ->check(CLI::Range(std::size_t{1}, std::size_t{100'000}))->capture_default_str();
    app.add_option("--rate", p.rate, "Frames per second per connection; 0 turns the limit off")
        ->check(CLI::Range(0.0, 1e9))->capture_default_str();
    app.add_option("--burst", p.burst, "Frames a connection may send at once before --rate applies")
        ->check(CLI::Range(1.0, 1e9))->capture_default_str();
    app.add_option("--idle-timeout", o.idle_timeout_s, "Close connections silent for this many seconds; 0 = never")
        ->check(CLI::Range(0.0, 1e7))->capture_default_str();
    app.add_option("--history", history, "Messages kept per room")
        ->check(CLI::Range(std::size_t{0}, std::size_t{1'000'000}))->capture_default_str();
    app.add_option("--drain-timeout", o.drain_timeout_s, "Seconds allowed for the graceful drain on shutdown")
        ->check(CLI::Range(0.0, 3600.0))->capture_default_str();
    auto* token_opt = app.add_option("--admin-token", admin_token,
                                     "Token that allows the shutdown request (default: $PARLEY_ADMIN_TOKEN)");
    auto* cluster = app.add_option("--cluster", o.cluster, "Run as a node of a cluster through Redis: redis://HOST:PORT");
    app.add_option("--node-id", o.node_id, "This node's name in the cluster (default: host name and pid)")
        ->needs(cluster);
    app.add_flag("--reuse-port", o.reuse_port, "Share the TCP port with other processes (SO_REUSEPORT)");
    app.add_option("--log-file", o.log_file, "Append the log to this file instead of standard error");
    app.add_option("--log-level", o.log_level, "Least severe level logged")
        ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}))->capture_default_str();
    app.add_flag("--log-messages", p.log_messages, "Also log what users say (off by default, for privacy)");

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
        std::cout << app.help();
        return 0;
    } catch (const CLI::CallForVersion&) {
        std::cout << app.version() << '\n';
        return 0;
    } catch (const CLI::ParseError& e) {
        std::cerr << "parleyd: " << e.what() << "\n\n" << app.help();
        return 2;
    }

    o.udp = !no_udp;
    if (!o.cluster.empty()) {
        cluster::ClusterOptions probe;
        if (auto err = cluster::parse_redis_url(o.cluster, probe); !err.empty()) {
            std::cerr << "parleyd: --cluster: " << err << "\n\n" << app.help();
            return 2;
        }
        if (auto err = cluster::check_node_id(o.node_id); !o.node_id.empty() && !err.empty()) {
            std::cerr << "parleyd: --node-id: " << err << "\n\n" << app.help();
            return 2;
        }
    }
    p.registry.max_rooms_per_client = max_rooms;
    p.registry.history = history;
    // Half the output limit for one reply leaves room for the events that
    // arrive while it is read, so a reply alone never gets its asker cut off.
    p.max_reply = o.max_output / 2;
    if (max_clients_opt->count() > 0) o.max_clients = max_clients;
    if (token_opt->count() > 0) {
        p.admin_token = admin_token;  // the flag beats the environment
    } else if (const char* env = std::getenv("PARLEY_ADMIN_TOKEN")) {
        p.admin_token = env;
    }
    return std::nullopt;
}

}  // namespace parley::server
