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

// Raises the soft open-file limit to the hard one; returns the new soft limit.
uint64_t raise_open_file_limit();

}  // namespace parley::bench
