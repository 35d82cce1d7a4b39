#pragma once
// Everything parleyd can be told on its command line, checked at start-up.
#include <cstdint>
#include <optional>
#include <string>

#include "parley/protocol_config.hpp"

namespace parley::server {

struct ServerOptions {
    std::string host = "127.0.0.1";
    std::uint16_t tcp_port = 7070;
    std::uint16_t udp_port = 7070;
    bool udp = true;
    // TLS is on when a certificate and key are given.
    std::string tls_cert;
    std::string tls_key;
    std::uint16_t tls_port = 7443;
    double tls_handshake_timeout_s = 10;
    std::size_t max_output = 8 * 1024 * 1024;
    std::optional<std::size_t> max_clients;
    bool reuse_port = false;   // SO_REUSEPORT: several nodes share the TCP port
    std::string cluster;       // redis://HOST:PORT; empty: a single process, Redis untouched
    std::string node_id;  // default: what the open-file limit allows
    double idle_timeout_s = 0;
    double drain_timeout_s = 5;
    std::string log_file;
    std::string log_level = "info";
    ProtocolConfig protocol;
};

// Parses argv. On --help/--version prints and returns exit status 0; on a bad
// flag prints the error and usage and returns 2. Otherwise returns nullopt.
std::optional<int> parse_options(int argc, char** argv, ServerOptions& out);

}  // namespace parley::server
