// parleyd: parse the flags, size the descriptor budget, run the loop.
#include <csignal>
#include <cstdio>
#include <uv.h>

#include "fd_limit.hpp"
#include "logging.hpp"
#include "parley_server.hpp"
#include "server_options.hpp"

int main(int argc, char** argv) {
    using namespace parley::server;
    std::signal(SIGPIPE, SIG_IGN);  // a peer that vanished is an error value, not a death

    ServerOptions options;
    if (auto status = parse_options(argc, argv, options)) return *status;

    std::shared_ptr<spdlog::logger> log;
    try {
        log = make_logger(options.log_file, options.log_level);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "parleyd: cannot open log file %s: %s\n", options.log_file.c_str(), e.what());
        return 2;
    }

    std::size_t wanted = options.max_clients ? *options.max_clients + kReservedDescriptors : SIZE_MAX / 2;
    FdLimit fds = raise_fd_limit(wanted);
    std::size_t allowed = fds.soft > kReservedDescriptors ? fds.soft - kReservedDescriptors : 1;
    std::size_t max_clients = options.max_clients.value_or(allowed);
    if (options.max_clients && *options.max_clients > allowed) {
        log->warn("--max-clients {} asks for more than the open-file limit allows ({}): {}", *options.max_clients,
                  allowed, fds.note);
    }

    uv_loop_t loop;
    uv_loop_init(&loop);
    int status;
    {
        ParleyServer server(&loop, options, max_clients, log);
        status = server.start();
        if (status == 0) status = server.run();
    }
    uv_loop_close(&loop);
    return status;
}
