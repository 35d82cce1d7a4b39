#include "proc_stats.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "clock.hpp"

namespace parley::bench {

double self_cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto secs = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6; };
  return secs(ru.ru_utime) + secs(ru.ru_stime);
}

ProcSample sample_process(int pid) {
  ProcSample s;
  s.at_ns = now_ns();
  if (pid <= 0) return s;
  const std::string base = "/proc/" + std::to_string(pid);
  std::ifstream stat(base + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return s;
  // The command name may hold spaces and parentheses; fields resume after the last ')'.
  const size_t close = line.rfind(')');
  if (close == std::string::npos) return s;
  std::istringstream fields(line.substr(close + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  s.cpu_s = static_cast<double>(utime + stime) / ticks;
  std::ifstream status(base + "/status");
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      s.rss_kb = std::stoull(line.substr(6));
      break;
    }
  }
  s.ok = true;
  return s;
}

double cpu_pct_between(const ProcSample& a, const ProcSample& b) {
  if (!a.ok || !b.ok || b.at_ns <= a.at_ns) return 0;
  return 100.0 * (b.cpu_s - a.cpu_s) / (static_cast<double>(b.at_ns - a.at_ns) / 1e9);
}

MachineSample sample_machine() {
  MachineSample m;
  std::ifstream stat("/proc/stat");
  std::string cpu;
  uint64_t v[8] = {};
  if (!(stat >> cpu) || cpu != "cpu") return m;
  for (auto& x : v)
    if (!(stat >> x)) return m;
  // user nice system idle iowait irq softirq steal
  m.total = v[0] + v[1] + v[2] + v[3] + v[4] + v[5] + v[6] + v[7];
  m.tasks = v[0] + v[1] + v[2];
  m.irq = v[5] + v[6];
  m.ok = true;
  return m;
}

MachineUse machine_use_between(const MachineSample& a, const MachineSample& b) {
  MachineUse use;
  if (!a.ok || !b.ok || b.total <= a.total) return use;
  const double scale = 100.0 * static_cast<double>(sysconf(_SC_NPROCESSORS_ONLN)) /
                       static_cast<double>(b.total - a.total);
  use.tasks_pct = scale * static_cast<double>(b.tasks - a.tasks);
  use.irq_pct = scale * static_cast<double>(b.irq - a.irq);
  return use;
}

uint64_t raise_open_file_limit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return 0;
  if (rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    getrlimit(RLIMIT_NOFILE, &rl);
  }
  return rl.rlim_cur;
}

}  // namespace parley::bench
