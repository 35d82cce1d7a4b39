#pragma once
// Reading parleyd's replies and events without a full JSON parse. A delivery
// is one line like {"type":"message","room":"r0","from":"guest7","text":"...",
// "seq":9,"ts":...}; the bench needs only a few top-level string fields. The
// scanner walks the top-level object once, skipping nested values by bracket
// matching with string awareness, so a field name that appears inside another
// value (a nick called "type", a text containing "\"text\":") is never taken
// for a field. It does not validate everything a JSON parser would; it does
// reject lines that are not a well-formed object at the top level.
#include <cstdint>
#include <string_view>

namespace parley::bench {

struct ScannedFrame {
  std::string_view type;   // raw contents of the string, escapes left as they are
  std::string_view for_;   // "for" of an ok/error reply
  std::string_view text;
  std::string_view code;   // "code" of an error
  bool text_escaped = false;  // text contains a backslash escape
};

// Scans one frame (without its line terminator). Returns false when the line is
// not a JSON object; fields that are absent or not strings stay empty. A
// message event laid out exactly as parleyd writes it is read directly; every
// other line goes through scan_object, with the same result.
bool scan_frame(std::string_view line, ScannedFrame& out);

// The general walk over the top-level object that scan_frame falls back to.
bool scan_object(std::string_view line, ScannedFrame& out);

// Parses the decimal number at the start of s (up to the first non-digit).
// False when s does not start with a digit or the number overflows.
bool parse_u64_prefix(std::string_view s, uint64_t& value);

}  // namespace parley::bench
