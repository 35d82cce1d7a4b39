#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace parley::client {

// Where to reach the server. A TLS transport will add its settings here
// (--tls, --ca, --insecure) without touching the commands.
struct ConnectionOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 7070;
    std::optional<std::uint16_t> udp_port;  // unset: same as port
    std::string nick;                       // empty: keep the server's guestN
    double timeout_s = 10.0;                // connecting and waiting for a reply

    std::uint16_t effective_udp_port() const { return udp_port.value_or(port); }
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
