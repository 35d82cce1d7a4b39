#include "client_options.h"

#include <sstream>

#include <CLI/CLI.hpp>

#include "exit_status.h"
#include "parley_version.h"

namespace parley::client {
namespace {

constexpr const char* kFooter =
    "Exit status: 0 ok; 1 server unreachable, connection lost or no reply\n"
    "(udp-echo: not one datagram came back); 2 usage error; 3 the server\n"
    "refused the request (error reply).\n"
    "Run `parley COMMAND --help` for the options of one command.";

// The connection flags go on the main app and on every subcommand, bound to
// the same variables, so they work before or after the subcommand name and
// show up in each command's --help.
void add_connection_flags(CLI::App& app, ConnectionOptions& conn) {
    auto* group = app.add_option_group("Connection");
    group->add_option("--host", conn.host, "server host name or address (default 127.0.0.1)");
    group->add_option("--port", conn.port, "server TCP port (default 7070, 7443 with --tls)")
        ->check(CLI::Range(1, 65535));
    group->add_option("--udp-port", conn.udp_port,
                      "server UDP echo port (default: --port; 7070 with --tls)")
        ->check(CLI::Range(1, 65535));
    group->add_option("--nick", conn.nick, "nick to use (default: the server's guestN)");
    group->add_option("--timeout", conn.timeout_s,
                      "seconds to wait for the server to connect or answer (default 10)")
        ->check(CLI::PositiveNumber);
    group->add_flag("--tls", conn.tls, "connect with TLS, verifying the server's certificate");
    group->add_option("--ca", conn.ca_file,
                      "with --tls: trust the CA certificates in FILE (default: the system's)")
        ->check(CLI::ExistingFile);
    group->add_flag("--insecure", conn.insecure,
                    "with --tls: do not check the certificate (encrypted, but not authenticated)");
}

std::string join_words(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) {
        if (!out.empty()) out += ' ';
        out += w;
    }
    return out;
}

}  // namespace

ParsedCommandLine parse_command_line(int argc, const char* const* argv,
                                     const char* admin_token_env) {
    Options opt;
    std::vector<std::string> words;
    std::string colour = "auto";

    CLI::App app{"parley: terminal client for the Parley chat server.\n"
                 "Without a command it starts an interactive session; type /help inside.",
                 "parley"};
    app.footer(kFooter);
    app.set_version_flag("--version", std::string("parley ") + PARLEY_VERSION);
    app.require_subcommand(0, 1);
    add_connection_flags(app, opt.conn);
    app.add_option("--room", opt.rooms, "room to join at start (repeatable; the last is current)")
        ->allow_extra_args(false);
    app.add_option("--color,--colour", colour, "auto, always or never (NO_COLOR also turns colours off)")
        ->check(CLI::IsMember({"auto", "always", "never"}));

    auto* send = app.add_subcommand("send", "join a room, say TEXT, leave; exit 0 only if the server said ok");
    add_connection_flags(*send, opt.conn);
    send->add_option("--room", opt.rooms, "room to say it in")->required()->allow_extra_args(false);
    send->add_option("text", words, "the text to say")->required();

    auto* listen = app.add_subcommand("listen", "print the messages of rooms as they arrive, one per line");
    add_connection_flags(*listen, opt.conn);
    listen->add_option("--room", opt.rooms, "room to listen to (repeatable)")
        ->required()
        ->allow_extra_args(false);
    listen->add_flag("--json", opt.json, "print each message as the server's JSON event");
    listen->add_option("--count", opt.count, "exit after N messages (default: run until interrupted)")
        ->check(CLI::NonNegativeNumber);

    auto* echo = app.add_subcommand("echo", "have the server echo TEXT over TCP and print it");
    add_connection_flags(*echo, opt.conn);
    echo->add_option("text", words, "the text to echo")->required();

    auto* udp = app.add_subcommand("udp-echo", "send TEXT as UDP datagrams and print round-trip times");
    add_connection_flags(*udp, opt.conn);
    udp->add_option("text", words, "the datagram's payload")->required();
    opt.count = 0;
    int udp_count = 3;
    udp->add_option("--count", udp_count, "datagrams to send (default 3)")->check(CLI::Range(1, 100000));
    udp->add_option("--interval", opt.interval_s, "seconds between datagrams (default 0.2)")
        ->check(CLI::NonNegativeNumber);
    udp->add_option("--wait", opt.wait_s, "seconds to wait for each reply (default 1)")
        ->check(CLI::PositiveNumber);

    auto* stats = app.add_subcommand("stats", "print the server's counters");
    add_connection_flags(*stats, opt.conn);
    stats->add_flag("--json", opt.json, "print the reply as JSON");

    auto* shutdown = app.add_subcommand("shutdown", "ask the server to shut down (needs the admin token)");
    add_connection_flags(*shutdown, opt.conn);
    shutdown->add_option("--token", opt.token, "admin token (default: $PARLEY_ADMIN_TOKEN)");

    ParsedCommandLine result;
    std::ostringstream out, err;
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
            app.exit(e, out, err);
            result.out = out.str();
            result.exit_status = kExitOk;
            return result;
        }
        std::string what = e.what();
        result.err = "parley: " + what + " (see parley --help)\n";
        result.exit_status = kExitUsage;
        return result;
    }

    if (*send) opt.mode = Mode::Send;
    else if (*listen) opt.mode = Mode::Listen;
    else if (*echo) opt.mode = Mode::Echo;
    else if (*udp) opt.mode = Mode::UdpEcho;
    else if (*stats) opt.mode = Mode::Stats;
    else if (*shutdown) opt.mode = Mode::Shutdown;
    if (opt.mode == Mode::UdpEcho) opt.count = udp_count;

    opt.text = join_words(words);
    opt.colour = colour == "always" ? ColourChoice::Always
               : colour == "never"  ? ColourChoice::Never
                                    : ColourChoice::Auto;
    if ((!opt.conn.ca_file.empty() || opt.conn.insecure) && !opt.conn.tls) {
        result.err = "parley: --ca and --insecure go with --tls\n";
        result.exit_status = kExitUsage;
        return result;
    }
    if (!opt.conn.ca_file.empty() && opt.conn.insecure) {
        result.err = "parley: --ca and --insecure exclude each other\n";
        result.exit_status = kExitUsage;
        return result;
    }
    if (opt.mode == Mode::Send && opt.rooms.size() != 1) {
        result.err = "parley: send takes exactly one --room\n";
        result.exit_status = kExitUsage;
        return result;
    }
    if (opt.mode == Mode::Shutdown && opt.token.empty()) {
        if (admin_token_env != nullptr && admin_token_env[0] != '\0') opt.token = admin_token_env;
        if (opt.token.empty()) {
            result.err = "parley: shutdown needs --token or PARLEY_ADMIN_TOKEN\n";
            result.exit_status = kExitUsage;
            return result;
        }
    }
    result.options = std::move(opt);
    return result;
}

}  // namespace parley::client
