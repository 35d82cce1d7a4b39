#pragma once

#include <uv.h>

#include "client_options.h"

namespace parley::client {

// The scriptable subcommands. Each runs the loop to completion and returns
// the process exit status (see exit_status.h); errors go to stderr, one line.
int run_send(uv_loop_t* loop, const Options& options);
int run_echo(uv_loop_t* loop, const Options& options);
int run_stats(uv_loop_t* loop, const Options& options);
int run_shutdown(uv_loop_t* loop, const Options& options);
int run_listen(uv_loop_t* loop, const Options& options);
int run_udp_echo(uv_loop_t* loop, const Options& options);
int run_interactive(uv_loop_t* loop, const Options& options);

}  // namespace parley::client
