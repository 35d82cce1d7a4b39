#include "wire.hpp"

#include <cstring>

#include "json_scan.hpp"
#include "resp.hpp"

namespace parley::bench {

namespace {

// Next LF-terminated line; sets `line` without the CR/LF. 0 if none yet.
size_t next_line(std::string_view buf, std::string_view& line) {
  const void* lf = std::memchr(buf.data(), '\n', buf.size());
  if (lf == nullptr) return 0;
  const size_t len = static_cast<size_t>(static_cast<const char*>(lf) - buf.data());
  line = buf.substr(0, len);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return len + 1;
}

class ParleyWire final : public Wire {
 public:
  bool needs_publisher_connection() const override { return false; }

  void append_member_setup(std::string& out, std::string_view room) const override {
    out += "{\"type\":\"hello\"}\n{\"type\":\"join\",\"room\":\"";
    out.append(room);
    out += "\"}\n";
  }

  // Bench texts and room names are digits, spaces and letters: no escaping.
  void append_say(std::string& out, std::string_view room, std::string_view text) const override {
    out += "{\"type\":\"say\",\"room\":\"";
    out.append(room);
    out += "\",\"text\":\"";
    out.append(text);
    out += "\"}\n";
  }

  void append_echo(std::string& out, std::string_view text) const override {
    out += "{\"type\":\"echo\",\"text\":\"";
    out.append(text);
    out += "\"}\n";
  }

  size_t decode(std::string_view buf, WireEvent& event) const override {
    std::string_view line;
    const size_t used = next_line(buf, line);
    if (used == 0) return 0;
    ScannedFrame f;
    event = WireEvent{};
    if (line.find_first_not_of(" \t") == std::string_view::npos) return used;
    if (!scan_frame(line, f)) return kWireMalformed;
    if (f.type == "message") {
      event.kind = EventKind::Delivery;
      event.payload = f.text;
    } else if (f.type == "ok") {
      if (f.for_ == "say") {
        event.kind = EventKind::Ack;
      } else if (f.for_ == "echo") {
        event.kind = EventKind::EchoReply;
        event.payload = f.text;
      } else if (f.for_ == "join") {
        event.kind = EventKind::Joined;
      }
    } else if (f.type == "error") {
      event.kind = EventKind::Error;
      event.payload = f.code.empty() ? std::string_view("error") : f.code;
    }
    return used;
  }
};

class RedisWire final : public Wire {
 public:
  bool needs_publisher_connection() const override { return true; }

  void append_member_setup(std::string& out, std::string_view room) const override {
    resp::append_command(out, {"HELLO", "2"});
    resp::append_command(out, {"SUBSCRIBE", room});
  }

  void append_say(std::string& out, std::string_view room, std::string_view text) const override {
    resp::append_command(out, {"PUBLISH", room, text});
  }

  void append_echo(std::string& out, std::string_view text) const override {
    resp::append_command(out, {"ECHO", text});
  }

  size_t decode(std::string_view buf, WireEvent& event) const override {
    resp::Reply r;
    const size_t used = resp::parse(buf, r);
    if (used == 0 || used == resp::kMalformed) return used == 0 ? 0 : kWireMalformed;
    event = WireEvent{};
    switch (r.value.type) {
      case resp::Type::Push:
      case resp::Type::Array:
        if (r.captured >= 3 && r.elements[0].type == resp::Type::Bulk) {
          const std::string_view kind = r.elements[0].str;
          if (kind == "message" && r.elements[2].type == resp::Type::Bulk) {
            event.kind = EventKind::Delivery;
            event.payload = r.elements[2].str;
          } else if (kind == "subscribe") {
            event.kind = EventKind::Joined;
          }
        }
        break;
      case resp::Type::Integer:
        event.kind = EventKind::Ack;  // PUBLISH answers with the receiver count
        break;
      case resp::Type::Bulk:
        event.kind = EventKind::EchoReply;
        event.payload = r.value.str;
        break;
      case resp::Type::Error: {
        event.kind = EventKind::Error;
        const std::string_view msg = r.value.str;
        event.payload = msg.substr(0, msg.find(' '));  // "ERR", "WRONGTYPE", ...
        break;
      }
      default:
        break;
    }
    return used;
  }
};

class LineWire final : public Wire {
 public:
  bool needs_publisher_connection() const override { return false; }
  void append_member_setup(std::string&, std::string_view) const override {}
  void append_say(std::string&, std::string_view, std::string_view) const override {}

  void append_echo(std::string& out, std::string_view text) const override {
    out.append(text);
    out += '\n';
  }

  size_t decode(std::string_view buf, WireEvent& event) const override {
    std::string_view line;
    const size_t used = next_line(buf, line);
    if (used == 0) return 0;
    event.kind = EventKind::EchoReply;
    event.payload = line;
    return used;
  }
};

}  // namespace

std::unique_ptr<Wire> make_wire(TargetKind kind) {
  switch (kind) {
    case TargetKind::Parley:
      return std::make_unique<ParleyWire>();
    case TargetKind::Redis:
      return std::make_unique<RedisWire>();
    case TargetKind::Line:
      return std::make_unique<LineWire>();
  }
  return nullptr;
}

}  // namespace parley::bench
