#pragma once
// One entry point per scenario, run inside each worker process. `index` and
// `procs` say which share of the load this worker carries.
#include "options.hpp"
#include "worker_link.hpp"

namespace parley::bench {

int run_chat_worker(const Options& opt, int index, int procs, WorkerLink& link);
int run_echo_worker(const Options& opt, int index, int procs, WorkerLink& link);
int run_udp_worker(const Options& opt, int index, int procs, WorkerLink& link);
int run_connect_worker(const Options& opt, int index, int procs, WorkerLink& link);

}  // namespace parley::bench
