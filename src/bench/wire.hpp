#pragma once
// What a scenario says and hears, independent of the server it talks to. The
// chat and echo drivers only ever call these; each target maps them onto its
// own protocol with the same load shape:
//   member setup:  parley hello + join        redis HELLO 2 + SUBSCRIBE
//   say:           parley say (JSON line)     redis PUBLISH on a separate connection
//   echo:          parley echo                redis ECHO     line: the line itself
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "target.hpp"

namespace parley::bench {

enum class EventKind {
  Joined,     // member setup finished (join ok / subscribe confirmation)
  Ack,        // reply to a say / PUBLISH
  Delivery,   // a chat message arrived; payload is its text
  EchoReply,  // payload is the echoed text
  Error,      // payload is the error code
  Ignored,    // anything else (hello ok, joined events, ...)
};

struct WireEvent {
  EventKind kind = EventKind::Ignored;
  std::string_view payload;
};

class Wire {
 public:
  virtual ~Wire() = default;

  // Redis connections in subscribed state cannot PUBLISH, so a Redis sender
  // publishes on a second connection of its own.
  virtual bool needs_publisher_connection() const = 0;
  virtual void append_member_setup(std::string& out, std::string_view room) const = 0;
  virtual void append_say(std::string& out, std::string_view room, std::string_view text) const = 0;
  virtual void append_echo(std::string& out, std::string_view text) const = 0;

  // Decodes the first frame in buf. Returns the bytes it spans (blank lines
  // included), 0 when more bytes are needed, or kWireMalformed.
  virtual size_t decode(std::string_view buf, WireEvent& event) const = 0;
};

inline constexpr size_t kWireMalformed = static_cast<size_t>(-1);

std::unique_ptr<Wire> make_wire(TargetKind kind);

}  // namespace parley::bench
