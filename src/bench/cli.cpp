#include "cli.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "parley_version.h"
#include "units.hpp"

namespace parley::bench {

const char* scenario_name(Scenario s) {
  switch (s) {
    case Scenario::Chat:
      return "chat";
    case Scenario::Echo:
      return "echo";
    case Scenario::Udp:
      return "udp";
    case Scenario::Connect:
      return "connect";
  }
  return "?";
}

const char* scenario_ops_unit(Scenario s) {
  switch (s) {
    case Scenario::Chat:
      return "deliveries";
    case Scenario::Echo:
      return "replies";
    case Scenario::Udp:
      return "packets";
    case Scenario::Connect:
      return "connections";
  }
  return "ops";
}

namespace {

struct Raw {
  std::string target = "parley://127.0.0.1:7070";
  std::string rate = "0";
  bool no_progress = false;
  bool tls = false;
  std::string ca;
  bool insecure = false;
  // Per-scenario defaults differ, so each subcommand has its own storage.
  uint32_t chat_connections = 100, chat_size = 64;
  uint32_t echo_connections = 50, echo_size = 16;
  uint32_t udp_size = 64;
  uint32_t connect_connections = 1000, connect_rooms = 100;
};

void add_common(CLI::App* sub, Options& opt, Raw& raw, bool timed) {
  sub->add_option("--target", raw.target,
                  "parley://HOST:PORT (default), redis://HOST:PORT, or line://HOST:PORT for the bare line echo")
      ->capture_default_str();
  sub->add_option("--procs", opt.procs, "worker processes sharing the load; their histograms are merged")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  sub->add_flag("--json", opt.json, "print one JSON object with every figure on standard output");
  sub->add_option("--server-pid", opt.server_pid, "sample this process's CPU and memory beside the bench's own");
  sub->add_option("--label", opt.label, "free text copied into the JSON output");
  sub->add_flag("--no-progress", raw.no_progress, "no live progress line on standard error");
  // udp takes the flags too (hidden), so that it can refuse them in one plain line.
  const bool udp = sub->get_name() == "udp";
  sub->add_flag("--tls", raw.tls,
                "connect with TLS (parley:// targets; point --target at parleyd's --tls-port); the certificate is "
                "checked against the target host and the system's CAs")
      ->group(udp ? "" : "Options");
  sub->add_option("--ca", raw.ca, "with --tls: trust the CA certificate(s) in this PEM file instead of the system's")
      ->type_name("FILE")
      ->group(udp ? "" : "Options");
  sub->add_flag("--insecure", raw.insecure, "with --tls: do not verify the server's certificate")
      ->group(udp ? "" : "Options");
  sub->add_option("--setup-timeout", opt.setup_timeout_s, "seconds allowed for connecting and joining")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  if (timed) {
    sub->add_option("--duration", opt.duration_s, "seconds of measurement")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    sub->add_option("--warmup", opt.warmup_s, "seconds of load before the measurement starts")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    sub->add_option("--drain", opt.drain_s, "seconds to wait for replies still in flight at the end")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
  }
}

}  // namespace

int parse_command_line(int argc, char** argv, Options& opt) {
  CLI::App app{"parley-bench " PARLEY_VERSION ": load generator for parleyd, with Redis and bare C baselines"};
  app.set_version_flag("--version", std::string("parley-bench ") + PARLEY_VERSION);
  app.require_subcommand(1);
  Raw raw;

  auto* chat = app.add_subcommand("chat", "N clients in R rooms, S of them sending; deliveries/s and end-to-end latency");
  add_common(chat, opt, raw, true);
  chat->add_option("--connections", raw.chat_connections, "clients (each joins one room)")->capture_default_str();
  chat->add_option("--rooms", opt.rooms, "rooms; client i joins room i % R")->capture_default_str();
  chat->add_option("--senders", opt.senders, "clients that send, each to its own room")->capture_default_str();
  chat->add_option("--rate", raw.rate, "messages/s over all senders (e.g. 20k); 0 = closed loop")
      ->capture_default_str();
  chat->add_option("--pipeline", opt.pipeline, "closed loop: messages in flight per sender")->capture_default_str();
  chat->add_option("--size", raw.chat_size, "message text bytes (send time, space, padding)")->capture_default_str();

  auto* echo = app.add_subcommand("echo", "request/response over N connections with D requests in flight each");
  add_common(echo, opt, raw, true);
  echo->add_option("--connections", raw.echo_connections, "connections")->capture_default_str();
  echo->add_option("--pipeline", opt.pipeline, "requests in flight per connection")->capture_default_str();
  echo->add_option("--size", raw.echo_size, "echo text bytes")->capture_default_str();

  auto* udp = app.add_subcommand("udp", "UDP echo: W datagrams in flight; packets/s and round-trip latency");
  add_common(udp, opt, raw, true);
  udp->add_option("--window", opt.window, "datagrams in flight over all processes")->capture_default_str();
  udp->add_option("--size", raw.udp_size, "datagram bytes (at least 16)")->capture_default_str();
  udp->add_option("--loss-timeout", opt.loss_timeout_ms, "milliseconds before a datagram counts as lost")
      ->capture_default_str();

  auto* connect = app.add_subcommand("connect",
                                     "open N connections (hello + join each), hold them, report connect rate and "
                                     "server memory per connection");
  add_common(connect, opt, raw, false);
  connect->add_option("--connections", raw.connect_connections, "connections to hold")->capture_default_str();
  connect->add_option("--rooms", raw.connect_rooms, "rooms; connection i joins room i % R")->capture_default_str();
  connect->add_option("--hold", opt.hold_s, "seconds to hold them once all are joined")->capture_default_str();
  connect->add_option("--connect-window", opt.connect_window, "handshakes in progress at once")
      ->capture_default_str();
  connect->add_flag("!--no-spread", opt.spread_sources,
                    "do not bind clients to source addresses spread over 127.0.0.0/8");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  if (chat->parsed()) {
    opt.scenario = Scenario::Chat;
    opt.connections = raw.chat_connections;
    opt.size = raw.chat_size;
  } else if (echo->parsed()) {
    opt.scenario = Scenario::Echo;
    opt.connections = raw.echo_connections;
    opt.size = raw.echo_size;
  } else if (udp->parsed()) {
    opt.scenario = Scenario::Udp;
    opt.size = raw.udp_size;
  } else if (connect->parsed()) {
    opt.scenario = Scenario::Connect;
    opt.connections = raw.connect_connections;
    opt.rooms = raw.connect_rooms;
  }

  auto usage_error = [](const std::string& msg) {
    std::cerr << "parley-bench: " << msg << "\n";
    return 2;
  };
  std::string error;
  if (!parse_target(raw.target, opt.target, error)) return usage_error(error);
  const auto rate = parse_quantity(raw.rate);
  if (!rate) return usage_error("bad --rate '" + raw.rate + "'");
  opt.rate = *rate;
  if (opt.connections == 0) return usage_error("--connections must be at least 1");
  if (opt.rooms == 0) return usage_error("--rooms must be at least 1");
  if (opt.senders > opt.connections) return usage_error("--senders cannot exceed --connections");
  if (opt.pipeline == 0) return usage_error("--pipeline must be at least 1");
  if (opt.window == 0) return usage_error("--window must be at least 1");
  if (opt.scenario == Scenario::Udp && (opt.size < 16 || opt.size > 65507))
    return usage_error("--size for udp must be between 16 and 65507");
  if (opt.scenario == Scenario::Chat && opt.target.kind == TargetKind::Line)
    return usage_error("chat needs a parley:// or redis:// target");
  if (opt.scenario == Scenario::Connect && opt.target.kind == TargetKind::Line)
    return usage_error("connect needs a parley:// or redis:// target");
  if (opt.scenario == Scenario::Chat && opt.senders == 0) return usage_error("chat needs at least one sender");
  if (!raw.tls && (!raw.ca.empty() || raw.insecure)) return usage_error("--ca and --insecure only go with --tls");
  if (raw.tls) {
    if (opt.scenario == Scenario::Udp) return usage_error("--tls does not apply to udp: UDP echo has no TLS");
    if (opt.target.kind != TargetKind::Parley)
      return usage_error(std::string("--tls needs a parley:// target, not ") + target_kind_name(opt.target.kind) +
                         "://");
    if (!raw.ca.empty() && raw.insecure) return usage_error("--ca and --insecure exclude each other");
    try {
      opt.tls = TlsContext::client(raw.ca, !raw.insecure);
    } catch (const std::exception& e) {
      return usage_error(e.what());
    }
  }
  opt.progress = !raw.no_progress && isatty(STDERR_FILENO);
  return -1;
}

}  // namespace parley::bench
