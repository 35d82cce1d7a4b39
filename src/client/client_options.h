#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace parley::client {

inline constexpr std::uint16_t kDefaultPort = 7070;
inline constexpr std::uint16_t kDefaultTlsPort = 7443;

// Where to reach the server and how.
struct ConnectionOptions {
    std::string host = "127.0.0.1";
    std::optional<std::uint16_t> port;      // unset: 7070, or 7443 with --tls
    std::optional<std::uint16_t> udp_port;  // unset: the TCP port, or 7070 with --tls
    std::string nick;                       // empty: keep the server's guestN
    double timeout_s = 10.0;                // connecting and waiting for a reply
    bool tls = false;
    std::string ca_file;                    // empty: the system's trusted CAs
    bool insecure = false;                  // TLS without checking the certificate

    std::uint16_t effective_port() const {
        return port.value_or(tls ? kDefaultTlsPort : kDefaultPort);
    }
    // UDP echo is never encrypted, so with --tls it stays on the server's
    // plain default port rather than following the TLS port.
    std::uint16_t effective_udp_port() const {
        return udp_port.value_or(tls ? kDefaultPort : effective_port());
    }
};

enum class Mode { Interactive, Send, Listen, Echo, UdpEcho, Stats, Shutdown };

enum class ColourChoice { Auto, Always, Never };

struct Options {
    Mode mode = Mode::Interactive;
    ConnectionOptions conn;
    std::vector<std::string> rooms;  // interactive and listen: any number; send: one
    std::string text;                // send, echo, udp-echo
    bool json = false;               // listen, stats
    int count = 0;                   // listen: stop after N messages (0 = never); udp-echo: datagrams
    double interval_s = 0.2;         // udp-echo: pause between datagrams
    double wait_s = 1.0;             // udp-echo: how long to wait for each reply
    std::string token;               // shutdown
    ColourChoice colour = ColourChoice::Auto;
};

// The outcome of reading the command line: either options to run with, or an
// exit status with text to print (help on stdout, one error line on stderr).
struct ParsedCommandLine {
    std::optional<Options> options;
    int exit_status = 0;
    std::string out;
    std::string err;
};

// `admin_token_env` is the value of PARLEY_ADMIN_TOKEN (or null), used when
// `shutdown` has no --token.
ParsedCommandLine parse_command_line(int argc, const char* const* argv,
                                     const char* admin_token_env);

}  // namespace parley::client
