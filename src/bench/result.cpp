#include "result.hpp"

#include <nlohmann/json.hpp>

namespace parley::bench {

uint64_t WorkerResult::error_count() const {
  uint64_t n = 0;
  for (const auto& [kind, count] : errors) n += count;
  return n;
}

std::string WorkerResult::to_json_line() const {
  nlohmann::json j;
  j["ops"] = ops;
  j["sent"] = sent;
  j["sent_total"] = sent_total;
  j["acks_total"] = acks_total;
  j["deliveries_total"] = deliveries_total;
  j["deliveries_expected"] = deliveries_expected;
  j["connections"] = connections;
  j["held"] = held;
  j["held_at_ns"] = held_at_ns;
  j["drain_timed_out"] = drain_timed_out;
  j["cpu_s"] = cpu_s;
  j["window_s"] = window_s;
  j["errors"] = errors;
  j["latency"] = latency.encode();
  j["handshake"] = handshake.encode();
  return j.dump();
}

bool WorkerResult::from_json_line(const std::string& line, WorkerResult& out) {
  const auto j = nlohmann::json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return false;
  try {
    out.ops = j.at("ops").get<uint64_t>();
    out.sent = j.at("sent").get<uint64_t>();
    out.sent_total = j.at("sent_total").get<uint64_t>();
    out.acks_total = j.at("acks_total").get<uint64_t>();
    out.deliveries_total = j.at("deliveries_total").get<uint64_t>();
    out.deliveries_expected = j.at("deliveries_expected").get<uint64_t>();
    out.connections = j.at("connections").get<uint64_t>();
    out.held = j.at("held").get<uint64_t>();
    out.held_at_ns = j.at("held_at_ns").get<uint64_t>();
    out.drain_timed_out = j.at("drain_timed_out").get<bool>();
    out.cpu_s = j.at("cpu_s").get<double>();
    out.window_s = j.at("window_s").get<double>();
    out.errors = j.at("errors").get<std::map<std::string, uint64_t>>();
    return out.latency.decode(j.at("latency").get<std::string>()) &&
           out.handshake.decode(j.at("handshake").get<std::string>());
  } catch (const nlohmann::json::exception&) {
    return false;
  }
}

void WorkerResult::merge(const WorkerResult& o) {
  ops += o.ops;
  sent += o.sent;
  sent_total += o.sent_total;
  acks_total += o.acks_total;
  deliveries_total += o.deliveries_total;
  deliveries_expected += o.deliveries_expected;
  connections += o.connections;
  held += o.held;
  if (o.held_at_ns > held_at_ns) held_at_ns = o.held_at_ns;
  drain_timed_out = drain_timed_out || o.drain_timed_out;
  cpu_s += o.cpu_s;
  if (o.window_s > window_s) window_s = o.window_s;
  for (const auto& [kind, count] : o.errors) errors[kind] += count;
  latency.merge(o.latency);
  handshake.merge(o.handshake);
}

}  // namespace parley::bench
