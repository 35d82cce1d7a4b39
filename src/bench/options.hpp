#pragma once
// Everything the command line decides, for every scenario.
#include <cstdint>
#include <optional>
#include <string>

#include "parley/tls_channel.hpp"
#include "target.hpp"

namespace parley::bench {

enum class Scenario { Chat, Echo, Udp, Connect };

const char* scenario_name(Scenario s);
// What ops_per_s counts in each scenario.
const char* scenario_ops_unit(Scenario s);

struct Options {
  Scenario scenario = Scenario::Chat;
  Target target;
  int procs = 1;
  bool json = false;
  bool progress = false;  // a live line on stderr; on by default on a terminal
  int server_pid = 0;
  std::string label;      // copied into the JSON, for scripts

  // Set with --tls. Made once in the parent, so a bad --ca fails before any
  // worker starts; the workers inherit it across fork.
  std::optional<TlsContext> tls;

  double duration_s = 5.0;
  double warmup_s = 1.0;
  double drain_s = 5.0;   // how long to wait for replies after the last send
  double setup_timeout_s = 300.0;

  uint32_t connections = 50;
  uint32_t rooms = 1;
  uint32_t senders = 1;
  uint32_t pipeline = 1;  // requests in flight per connection (echo) or per sender (chat)
  uint32_t size = 64;     // payload bytes: chat text, echo text, datagram
  double rate = 0;        // chat: messages/s over all senders; 0 is closed loop

  uint32_t window = 64;   // udp: datagrams in flight over all processes
  double loss_timeout_ms = 500;

  double hold_s = 2.0;    // connect: how long the connections stay open
  uint32_t connect_window = 128;  // connect: handshakes in progress at once, over all processes
  bool spread_sources = true;     // bind clients to 127.x.y.z when the target is 127/8
};

// Connections one worker process may hold: the open-file hard limit here is
// 20,000 per process, and each process needs a few descriptors of its own.
inline constexpr uint32_t kConnectionsPerProcess = 15000;

}  // namespace parley::bench
