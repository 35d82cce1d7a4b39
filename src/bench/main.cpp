// parley-bench: load generator for parleyd, Redis and the bare C baselines.
#include <cstdio>
#include <iostream>

#include "cli.hpp"
#include "coordinator.hpp"
#include "report.hpp"
#include "scenarios.hpp"

using namespace parley::bench;

namespace {

int worker_main(const Options& opt, int index, int procs, WorkerLink& link) {
  switch (opt.scenario) {
    case Scenario::Chat:
      return run_chat_worker(opt, index, procs, link);
    case Scenario::Echo:
      return run_echo_worker(opt, index, procs, link);
    case Scenario::Udp:
      return run_udp_worker(opt, index, procs, link);
    case Scenario::Connect:
      return run_connect_worker(opt, index, procs, link);
  }
  return 1;
}

// More processes than asked when one could not hold its share of sockets.
int effective_procs(const Options& opt) {
  uint64_t sockets = opt.connections;
  if (opt.scenario == Scenario::Chat && opt.target.kind == TargetKind::Redis) sockets += opt.senders;
  if (opt.scenario == Scenario::Udp) return std::min<int>(opt.procs, static_cast<int>(opt.window));
  const auto needed = static_cast<int>((sockets + kConnectionsPerProcess - 1) / kConnectionsPerProcess);
  return std::max(opt.procs, needed);
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  const int rc = parse_command_line(argc, argv, opt);
  if (rc >= 0) return rc;

  const int procs = effective_procs(opt);
  if (procs != opt.procs && !opt.json)
    std::fprintf(stderr, "parley-bench: using %d worker processes for %u connections (at most %u each)\n", procs,
                 opt.connections, kConnectionsPerProcess);
  const RunReport run = run_coordinated(opt, procs, [&opt](int index, int n, WorkerLink& link) {
    return worker_main(opt, index, n, link);
  });
  if (!run.ok) {
    std::fprintf(stderr, "parley-bench: %s\n", run.error.c_str());
    return 1;
  }
  const nlohmann::json report = build_report(opt, run);
  if (opt.json) {
    std::cout << report.dump() << std::endl;
  } else {
    print_table(report, stdout);
  }
  // A run that completed nothing is reported, but scripts should notice.
  return run.merged.ops > 0 ? 0 : 3;
}
