// parley: the Parley terminal client. Reads the command line and hands over
// to the interactive client or to one of the scriptable subcommands.
#include <clocale>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include <langinfo.h>
#include <uv.h>

#include "client_options.h"
#include "commands.h"
#include "exit_status.h"
#include "interactive.h"

namespace {

// Line editing and column counting need to know the text is UTF-8, which is
// what the protocol carries; fall back to C.UTF-8 when the environment's
// locale is plain C.
void use_utf8_locale() {
    std::setlocale(LC_ALL, "");
    const char* codeset = nl_langinfo(CODESET);
    if (codeset == nullptr || std::strcmp(codeset, "UTF-8") != 0) std::setlocale(LC_CTYPE, "C.UTF-8");
}

int dispatch(uv_loop_t* loop, const parley::client::Options& options) {
    using namespace parley::client;
    switch (options.mode) {
    case Mode::Interactive: return run_interactive(loop, options);
    case Mode::Send: return run_send(loop, options);
    case Mode::Listen: return run_listen(loop, options);
    case Mode::Echo: return run_echo(loop, options);
    case Mode::UdpEcho: return run_udp_echo(loop, options);
    case Mode::Stats: return run_stats(loop, options);
    case Mode::Shutdown: return run_shutdown(loop, options);
    }
    return 2;
}

}  // namespace

namespace parley::client {

int run_interactive(uv_loop_t* loop, const Options& options) {
    InteractiveClient client(loop, options);
    return client.run();
}

}  // namespace parley::client

int main(int argc, char** argv) {
    auto parsed = parley::client::parse_command_line(argc, argv, std::getenv("PARLEY_ADMIN_TOKEN"));
    std::fputs(parsed.out.c_str(), stdout);
    std::fputs(parsed.err.c_str(), stderr);
    if (!parsed.options) return parsed.exit_status;

    use_utf8_locale();
    // A server that resets the connection must not kill us mid-write.
    std::signal(SIGPIPE, SIG_IGN);

    uv_loop_t loop;
    uv_loop_init(&loop);
    int status;
    try {
        status = dispatch(&loop, *parsed.options);
    } catch (const std::runtime_error& e) {
        // Only start-up throws: a CA file that cannot be read, say.
        std::fprintf(stderr, "parley: %s\n", e.what());
        status = parley::client::kExitUsage;
    }
    // Handles closed by destructors finish closing here.
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
    return status;
}
