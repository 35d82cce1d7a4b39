#pragma once
// The parent process: forks the worker processes, lines up their start,
// samples the server's CPU and memory at the edges of the measurement, shows
// the live progress line, and merges what the workers report. Workers are
// separate processes (not threads) so each gets its own core and its own
// open-file limit.
#include <functional>
#include <string>
#include <vector>

#include "options.hpp"
#include "proc_stats.hpp"
#include "result.hpp"
#include "worker_link.hpp"

namespace parley::bench {

// Runs in the child; its return value is the child's exit status.
using WorkerMain = std::function<int(int index, int procs, WorkerLink& link)>;

struct RunReport {
  bool ok = false;
  std::string error;
  int procs = 0;
  WorkerResult merged;
  std::vector<double> cpu_pct_per_proc;
  uint64_t go_ns = 0;
  // Timed scenarios: the server over the measurement window. Connect: from
  // before the first connection to when all were held.
  ProcSample server_start;
  ProcSample server_end;
  ProcSample server_after_hold;  // connect only: at the end of the hold
  MachineSample machine_start;   // the whole machine over the same span
  MachineSample machine_end;
};

RunReport run_coordinated(const Options& opt, int procs, const WorkerMain& worker);

}  // namespace parley::bench
