#include "report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "clock.hpp"

namespace parley::bench {

namespace {

// A worker that used this much of a core was probably the limit itself.
constexpr double kSaturatedCpuPct = 90.0;

double round_to(double v, int digits) {
  const double scale = std::pow(10.0, digits);
  return std::round(v * scale) / scale;
}

nlohmann::json latency_json(const LatencyHistogram& h) {
  auto ms = [](uint64_t ns) { return round_to(ns_to_ms(ns), 4); };
  return {{"p50", ms(h.percentile(50))},   {"p90", ms(h.percentile(90))},  {"p99", ms(h.percentile(99))},
          {"p999", ms(h.percentile(99.9))}, {"max", ms(h.max())},          {"min", ms(h.min())},
          {"mean", round_to(h.mean() / 1e6, 4)}, {"samples", h.count()}};
}

}  // namespace

nlohmann::json build_report(const Options& opt, const RunReport& run) {
  const WorkerResult& r = run.merged;
  nlohmann::json j;
  j["scenario"] = scenario_name(opt.scenario);
  j["target"] = opt.target.url;
  j["target_kind"] = target_kind_name(opt.target.kind);
  j["tls"] = opt.tls.has_value();
  if (!opt.label.empty()) j["label"] = opt.label;

  const bool connect = opt.scenario == Scenario::Connect;
  const double duration = connect ? static_cast<double>(r.held_at_ns - run.go_ns) / 1e9 : opt.duration_s;
  j["duration_s"] = round_to(duration, 4);
  j["ops_unit"] = scenario_ops_unit(opt.scenario);
  j["ops"] = r.ops;
  j["ops_per_s"] = duration > 0 ? round_to(static_cast<double>(r.ops) / duration, 1) : 0.0;
  j["latency_ms"] = latency_json(r.latency);
  j["errors"] = r.error_count();
  j["errors_by_kind"] = r.errors;

  double sum = 0, busiest = 0;
  for (double p : run.cpu_pct_per_proc) {
    sum += p;
    busiest = std::max(busiest, p);
  }
  j["bench_cpu_pct"] = round_to(sum, 1);
  j["bench_cpu_pct_max_proc"] = round_to(busiest, 1);
  j["bench_procs"] = run.procs;
  j["bench_saturated"] = busiest >= kSaturatedCpuPct;
  // The bench's own cost of one operation: how far it is from being the limit.
  j["bench_cpu_ns_per_op"] = r.ops ? round_to(r.cpu_s * 1e9 / static_cast<double>(r.ops), 1) : 0.0;
  const MachineUse machine = machine_use_between(run.machine_start, run.machine_end);
  j["machine_cpu_pct"] = round_to(machine.tasks_pct + machine.irq_pct, 1);
  j["irq_cpu_pct"] = round_to(machine.irq_pct, 1);
  double server = 0;
  if (opt.server_pid > 0) {
    server = cpu_pct_between(run.server_start, run.server_end);
    j["server_pid"] = opt.server_pid;
    j["server_cpu_pct"] = round_to(server, 1);
    j["server_rss_kb"] = connect ? run.server_after_hold.rss_kb : run.server_end.rss_kb;
    // Task CPU that neither the bench nor the server used: other processes on
    // the machine. High values mean a noisy figure.
    j["other_cpu_pct"] = round_to(std::max(0.0, machine.tasks_pct - sum - server), 1);
  }

  nlohmann::json cfg;
  cfg["connections"] = opt.connections;
  switch (opt.scenario) {
    case Scenario::Chat:
      cfg["rooms"] = opt.rooms;
      cfg["senders"] = opt.senders;
      cfg["mode"] = opt.rate > 0 ? "rate" : "closed_loop";
      cfg["rate"] = opt.rate;
      cfg["pipeline"] = opt.pipeline;
      cfg["size"] = opt.size;
      j["messages_sent"] = r.sent;
      j["messages_per_s"] = round_to(static_cast<double>(r.sent) / duration, 1);
      j["acks_total"] = r.acks_total;
      j["deliveries_total"] = r.deliveries_total;
      j["deliveries_expected"] = r.deliveries_expected;
      j["deliveries_missing"] =
          r.deliveries_expected > r.deliveries_total ? r.deliveries_expected - r.deliveries_total : 0;
      break;
    case Scenario::Echo:
      cfg["pipeline"] = opt.pipeline;
      cfg["size"] = opt.size;
      j["requests_sent"] = r.sent;
      break;
    case Scenario::Udp:
      cfg.erase("connections");
      cfg["window"] = opt.window;
      cfg["size"] = opt.size;
      j["datagrams_sent"] = r.sent;
      break;
    case Scenario::Connect:
      cfg["rooms"] = opt.rooms;
      cfg["hold_s"] = opt.hold_s;
      cfg["connect_window"] = opt.connect_window;
      cfg["spread_sources"] = opt.spread_sources && opt.target.ipv4_loopback();
      j["connections_held"] = r.held;
      // Dial to connected: the TCP handshake, plus the TLS one with --tls.
      j["handshake_ms"] = latency_json(r.handshake);
      if (opt.server_pid > 0 && run.server_start.ok && run.server_after_hold.ok) {
        j["server_rss_before_kb"] = run.server_start.rss_kb;
        j["server_rss_held_kb"] = run.server_end.rss_kb;
        j["server_rss_after_hold_kb"] = run.server_after_hold.rss_kb;
        const double grown = static_cast<double>(run.server_after_hold.rss_kb) -
                             static_cast<double>(run.server_start.rss_kb);
        j["server_rss_per_conn_bytes"] = r.held ? round_to(grown * 1024.0 / static_cast<double>(r.held), 1) : 0.0;
      }
      break;
  }
  if (opt.scenario != Scenario::Connect) {
    cfg["warmup_s"] = opt.warmup_s;
    j["drain_timed_out"] = r.drain_timed_out;
  }
  j["config"] = cfg;
  return j;
}

void print_table(const nlohmann::json& j, std::FILE* out) {
  auto num = [&](const char* key) { return j.contains(key) ? j[key].get<double>() : 0.0; };
  std::fprintf(out, "parley-bench %s -> %s%s\n", j["scenario"].get<std::string>().c_str(),
               j["target"].get<std::string>().c_str(), j.value("tls", false) ? " (TLS)" : "");
  std::fprintf(out, "  %-22s %s\n", "load", j["config"].dump().c_str());
  std::fprintf(out, "  %-22s %.2f s\n", "measured over", num("duration_s"));
  std::fprintf(out, "  %-22s %.0f %s/s (%lu in all)\n", "throughput", num("ops_per_s"),
               j["ops_unit"].get<std::string>().c_str(), j["ops"].get<uint64_t>());
  const auto& l = j["latency_ms"];
  std::fprintf(out, "  %-22s p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f  (%lu samples)\n", "latency ms",
               l["p50"].get<double>(), l["p90"].get<double>(), l["p99"].get<double>(), l["p999"].get<double>(),
               l["max"].get<double>(), l["samples"].get<uint64_t>());
  if (j.contains("handshake_ms")) {
    const auto& h = j["handshake_ms"];
    std::fprintf(out, "  %-22s p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f  (%lu samples)\n",
                 j.value("tls", false) ? "TCP+TLS handshake ms" : "TCP connect ms", h["p50"].get<double>(),
                 h["p90"].get<double>(), h["p99"].get<double>(), h["p999"].get<double>(), h["max"].get<double>(),
                 h["samples"].get<uint64_t>());
  }
  if (j.contains("messages_sent"))
    std::fprintf(out, "  %-22s %lu sent in the window, %lu deliveries missing\n", "messages",
                 j["messages_sent"].get<uint64_t>(), j["deliveries_missing"].get<uint64_t>());
  if (j.contains("connections_held"))
    std::fprintf(out, "  %-22s %lu\n", "connections held", j["connections_held"].get<uint64_t>());
  if (j.contains("server_rss_per_conn_bytes"))
    std::fprintf(out, "  %-22s %.0f bytes\n", "server RSS per conn", num("server_rss_per_conn_bytes"));
  std::fprintf(out, "  %-22s %lu %s\n", "errors", j["errors"].get<uint64_t>(), j["errors_by_kind"].dump().c_str());
  std::fprintf(out, "  %-22s %.0f%% over %d process(es), busiest %.0f%%; %.0f ns per op\n", "bench CPU",
               num("bench_cpu_pct"), j["bench_procs"].get<int>(), num("bench_cpu_pct_max_proc"),
               num("bench_cpu_ns_per_op"));
  if (j.contains("server_cpu_pct"))
    std::fprintf(out, "  %-22s %.0f%%, RSS %lu kB\n", "server CPU", num("server_cpu_pct"),
                 j["server_rss_kb"].get<uint64_t>());
  std::fprintf(out, "  %-22s %.0f%% of one core, %.0f%% of it interrupts", "machine CPU", num("machine_cpu_pct"),
               num("irq_cpu_pct"));
  if (j.contains("other_cpu_pct")) std::fprintf(out, ", %.0f%% other processes", num("other_cpu_pct"));
  std::fprintf(out, "\n");
  if (j["bench_saturated"].get<bool>())
    std::fprintf(out, "  note: a bench process used a whole core; the figure may be the bench's limit, "
                      "not the server's (try --procs)\n");
  if (j.value("drain_timed_out", false))
    std::fprintf(out, "  note: replies were still missing when the drain timed out\n");
}

}  // namespace parley::bench
