#pragma once
// What one worker process measured, and the merge of all workers. Workers send
// theirs to the parent as one JSON line; the parent adds the counts and the
// histograms.
#include <cstdint>
#include <map>
#include <string>

#include "histogram.hpp"

namespace parley::bench {

struct WorkerResult {
  uint64_t ops = 0;           // completed operations inside the measurement window
  uint64_t sent = 0;          // requests / messages / datagrams sent inside the window
  uint64_t sent_total = 0;    // ... over the whole run, warm-up and drain included
  uint64_t acks_total = 0;    // chat: say / PUBLISH replies
  uint64_t deliveries_total = 0;     // chat: every delivery received
  uint64_t deliveries_expected = 0;  // chat: acknowledged messages times their fan-out
  uint64_t connections = 0;   // connections (or sockets) this worker opened
  uint64_t held = 0;          // connect: connections that completed hello + join
  uint64_t held_at_ns = 0;    // connect: when the last one did
  bool drain_timed_out = false;
  double cpu_s = 0;           // CPU seconds inside the window
  double window_s = 0;
  std::map<std::string, uint64_t> errors;
  LatencyHistogram latency;
  LatencyHistogram handshake;  // connect: from dialling to connected (TCP, and TLS with --tls)

  void add_error(const std::string& kind, uint64_t n = 1) { errors[kind] += n; }
  uint64_t error_count() const;

  std::string to_json_line() const;
  static bool from_json_line(const std::string& line, WorkerResult& out);

  // Adds another worker's figures to this one.
  void merge(const WorkerResult& other);
};

}  // namespace parley::bench
