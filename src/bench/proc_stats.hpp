#pragma once
// CPU and memory of the bench itself and of the server under test, so every
// result can show both side by side.
#include <cstdint>

namespace parley::bench {

// User plus system CPU seconds this process has used.
double self_cpu_seconds();

struct ProcSample {
  bool ok = false;
  double cpu_s = 0;     // utime + stime from /proc/PID/stat
  uint64_t rss_kb = 0;  // VmRSS from /proc/PID/status
  uint64_t at_ns = 0;
};

ProcSample sample_process(int pid);

// CPU use between two samples in percent of one core.
double cpu_pct_between(const ProcSample& a, const ProcSample& b);

// The whole machine's busy time, from the first line of /proc/stat, so a
// result can show how much CPU went to processes other than the bench and the
// server (other people's work on a shared machine makes figures noisy).
struct MachineSample {
  bool ok = false;
  uint64_t tasks = 0;  // user + nice + system clock ticks, all CPUs
  uint64_t irq = 0;    // irq + softirq: loopback packet processing lands here
  uint64_t total = 0;
};

MachineSample sample_machine();

struct MachineUse {
  double tasks_pct = 0;  // percent of one core (200 = both cores of two)
  double irq_pct = 0;
};

MachineUse machine_use_between(const MachineSample& a, const MachineSample& b);

// Raises the soft open-file limit to the hard one; returns the new soft limit.
uint64_t raise_open_file_limit();

}  // namespace parley::bench
