#include "coordinator.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "clock.hpp"

namespace parley::bench {

namespace {

struct Child {
  pid_t pid = -1;
  int from_child = -1;  // parent reads
  int to_child = -1;    // parent writes
  std::string buffer;
  bool ready = false;
  bool held = false;
  bool has_result = false;
  bool eof = false;
  uint64_t progress_ops = 0;
  uint64_t progress_errors = 0;
  WorkerResult result;
};

uint64_t seconds_to_ns(double s) { return static_cast<uint64_t>(s * 1e9); }

void write_line(int fd, const std::string& line) {
  const std::string msg = line + "\n";
  ssize_t off = 0;
  while (off < static_cast<ssize_t>(msg.size())) {
    const ssize_t n = ::write(fd, msg.data() + off, msg.size() - static_cast<size_t>(off));
    if (n <= 0) return;
    off += n;
  }
}

std::string human_rate(double v) {
  char buf[32];
  if (v >= 1e6)
    std::snprintf(buf, sizeof buf, "%.2fM", v / 1e6);
  else if (v >= 1e3)
    std::snprintf(buf, sizeof buf, "%.1fk", v / 1e3);
  else
    std::snprintf(buf, sizeof buf, "%.0f", v);
  return buf;
}

class Coordinator {
 public:
  Coordinator(const Options& opt, int procs) : opt_(opt), children_(static_cast<size_t>(procs)) {
    report_.procs = procs;
  }

  RunReport run(const WorkerMain& worker) {
    if (!spawn(worker)) return finish_with_error("cannot start worker processes");
    const bool connect = opt_.scenario == Scenario::Connect;
    start_ns_ = now_ns();

    // Phase 1: every worker has set up.
    if (!wait_until([&] { return all([](const Child& c) { return c.ready; }); },
                    start_ns_ + seconds_to_ns(opt_.setup_timeout_s), "setting up"))
      return report_;
    report_.go_ns = now_ns() + 50'000'000;  // time for every worker to read "go"
    if (connect) {
      report_.server_start = sample_process(opt_.server_pid);
      report_.machine_start = sample_machine();
    }
    for (auto& c : children_) write_line(c.to_child, "go " + std::to_string(report_.go_ns));

    if (connect) {
      if (!wait_until([&] { return all([](const Child& c) { return c.held; }); },
                      report_.go_ns + seconds_to_ns(opt_.setup_timeout_s), "connecting"))
        return report_;
      report_.server_end = sample_process(opt_.server_pid);
      report_.machine_end = sample_machine();
      const uint64_t hold_end = now_ns() + seconds_to_ns(opt_.hold_s);
      wait_until([] { return false; }, hold_end, nullptr);
      if (failed_) return report_;
      report_.server_after_hold = sample_process(opt_.server_pid);
      for (auto& c : children_) write_line(c.to_child, "stop");
    } else {
      const uint64_t window_start = report_.go_ns + seconds_to_ns(opt_.warmup_s);
      const uint64_t window_end = window_start + seconds_to_ns(opt_.duration_s);
      wait_until([] { return false; }, window_start, nullptr);
      if (failed_) return report_;
      report_.server_start = sample_process(opt_.server_pid);
      report_.machine_start = sample_machine();
      wait_until([] { return false; }, window_end, nullptr);
      if (failed_) return report_;
      report_.server_end = sample_process(opt_.server_pid);
      report_.machine_end = sample_machine();
    }

    const uint64_t results_deadline = now_ns() + seconds_to_ns(opt_.drain_s + 30);
    if (!wait_until([&] { return all([](const Child& c) { return c.has_result; }); }, results_deadline,
                    "collecting results"))
      return report_;
    clear_progress();
    for (auto& c : children_) {
      report_.merged.merge(c.result);
      const double window = connect ? static_cast<double>(c.result.held_at_ns - report_.go_ns) / 1e9
                                    : c.result.window_s;
      report_.cpu_pct_per_proc.push_back(window > 0 ? 100.0 * c.result.cpu_s / window : 0);
    }
    reap(false);
    report_.ok = true;
    return report_;
  }

 private:
  template <typename Pred>
  bool all(Pred pred) const {
    for (const auto& c : children_)
      if (!pred(c)) return false;
    return true;
  }

  bool spawn(const WorkerMain& worker) {
    std::fflush(stdout);
    std::fflush(stderr);
    for (size_t i = 0; i < children_.size(); ++i) {
      int up[2], down[2];
      if (pipe(up) != 0 || pipe(down) != 0) return false;
      const pid_t pid = fork();
      if (pid < 0) return false;
      if (pid == 0) {
        // The child keeps only its own two pipe ends.
        for (size_t j = 0; j < i; ++j) {
          ::close(children_[j].from_child);
          ::close(children_[j].to_child);
        }
        ::close(up[0]);
        ::close(down[1]);
        WorkerLink link(up[1], down[0]);
        const int rc = worker(static_cast<int>(i), static_cast<int>(children_.size()), link);
        std::fflush(stdout);
        std::fflush(stderr);
        _exit(rc);
      }
      ::close(up[1]);
      ::close(down[0]);
      children_[i].pid = pid;
      children_[i].from_child = up[0];
      children_[i].to_child = down[1];
      fcntl(up[0], F_SETFL, fcntl(up[0], F_GETFL) | O_NONBLOCK);
      fcntl(down[1], F_SETFD, FD_CLOEXEC);
      fcntl(up[0], F_SETFD, FD_CLOEXEC);
    }
    return true;
  }

  // Services the workers until done() holds or the deadline passes. With a
  // null `what` the deadline is the goal, not a failure.
  template <typename Done>
  bool wait_until(Done done, uint64_t deadline, const char* what) {
    while (!failed_ && !done()) {
      const uint64_t now = now_ns();
      if (now >= deadline) {
        if (what == nullptr) return true;
        finish_with_error(std::string("timed out ") + what);
        return false;
      }
      std::vector<pollfd> fds;
      for (const auto& c : children_)
        if (!c.eof) fds.push_back({c.from_child, POLLIN, 0});
      const uint64_t wait_ns = std::min<uint64_t>(deadline - now, 250'000'000);
      ::poll(fds.data(), fds.size(), static_cast<int>((wait_ns + 999'999) / 1'000'000));
      for (auto& c : children_) read_child(c);
      maybe_print_progress();
    }
    return !failed_;
  }

  void read_child(Child& c) {
    if (c.eof) return;
    char buf[65536];
    for (;;) {
      const ssize_t n = ::read(c.from_child, buf, sizeof buf);
      if (n > 0) {
        c.buffer.append(buf, static_cast<size_t>(n));
        continue;
      }
      if (n == 0) c.eof = true;
      break;
    }
    size_t pos;
    while ((pos = c.buffer.find('\n')) != std::string::npos) {
      const std::string line = c.buffer.substr(0, pos);
      c.buffer.erase(0, pos + 1);
      handle_line(c, line);
    }
    if (c.eof && !c.has_result) finish_with_error("a worker process exited before reporting");
  }

  void handle_line(Child& c, const std::string& line) {
    if (line == "ready") {
      c.ready = true;
    } else if (line.rfind("progress ", 0) == 0) {
      std::sscanf(line.c_str() + 9, "%lu %lu", &c.progress_ops, &c.progress_errors);
    } else if (line.rfind("held ", 0) == 0) {
      c.held = true;
    } else if (line.rfind("result ", 0) == 0) {
      if (!WorkerResult::from_json_line(line.substr(7), c.result)) {
        finish_with_error("a worker sent an unreadable result");
        return;
      }
      c.has_result = true;
    } else if (line.rfind("fail ", 0) == 0) {
      finish_with_error(line.substr(5));
    }
  }

  void maybe_print_progress() {
    if (!opt_.progress) return;
    const uint64_t now = now_ns();
    if (now < last_print_ns_ + 1'000'000'000) return;
    uint64_t ops = 0, errors = 0;
    for (const auto& c : children_) {
      ops += c.progress_ops;
      errors += c.progress_errors;
    }
    const double dt = last_print_ns_ ? static_cast<double>(now - last_print_ns_) / 1e9 : 0;
    const double rate = dt > 0 && ops >= last_ops_ ? static_cast<double>(ops - last_ops_) / dt : 0;
    std::fprintf(stderr, "\r\033[K[%s %s] %5.1fs  %s %s/s  errors %lu", scenario_name(opt_.scenario),
                 target_kind_name(opt_.target.kind), static_cast<double>(now - start_ns_) / 1e9,
                 human_rate(rate).c_str(), scenario_ops_unit(opt_.scenario), errors);
    std::fflush(stderr);
    printed_ = true;
    last_print_ns_ = now;
    last_ops_ = ops;
  }

  void clear_progress() {
    if (printed_) std::fprintf(stderr, "\r\033[K");
    printed_ = false;
  }

  RunReport& finish_with_error(const std::string& why) {
    if (failed_) return report_;
    failed_ = true;
    clear_progress();
    report_.ok = false;
    report_.error = why;
    reap(true);
    return report_;
  }

  void reap(bool kill_them) {
    for (auto& c : children_) {
      if (c.pid <= 0) continue;
      if (c.to_child >= 0) ::close(c.to_child);  // EOF tells a worker to stop
      c.to_child = -1;
      if (kill_them) ::kill(c.pid, SIGTERM);
    }
    for (auto& c : children_) {
      if (c.pid <= 0) continue;
      // Give each worker a bounded time to close its sockets, then force it.
      int status = 0;
      const uint64_t deadline = now_ns() + 5'000'000'000ull;
      while (waitpid(c.pid, &status, WNOHANG) == 0) {
        if (now_ns() > deadline) {
          ::kill(c.pid, SIGKILL);
          waitpid(c.pid, &status, 0);
          break;
        }
        usleep(10'000);
      }
      if (c.from_child >= 0) ::close(c.from_child);
      c.pid = -1;
    }
  }

  const Options& opt_;
  std::vector<Child> children_;
  RunReport report_;
  bool failed_ = false;
  bool printed_ = false;
  uint64_t start_ns_ = 0;
  uint64_t last_print_ns_ = 0;
  uint64_t last_ops_ = 0;
};

}  // namespace

RunReport run_coordinated(const Options& opt, int procs, const WorkerMain& worker) {
  Coordinator coordinator(opt, procs);
  return coordinator.run(worker);
}

}  // namespace parley::bench
