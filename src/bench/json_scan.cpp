#include "json_scan.hpp"

#include <cstring>

namespace parley::bench {

namespace {

struct Cursor {
  const char* p;
  const char* end;

  void skip_ws() {
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) ++p;
  }
};

// At an opening quote: moves past the closing quote and yields the contents.
bool read_string(Cursor& c, std::string_view& out, bool& escaped) {
  const char* start = ++c.p;
  escaped = false;
  while (c.p < c.end) {
    const void* hit = std::memchr(c.p, '"', static_cast<size_t>(c.end - c.p));
    if (hit == nullptr) return false;
    const char* quote = static_cast<const char*>(hit);
    // The quote is escaped when an odd number of backslashes precede it.
    size_t slashes = 0;
    for (const char* b = quote; b > start && b[-1] == '\\'; --b) ++slashes;
    if (slashes % 2 == 0) {
      if (!escaped && std::memchr(start, '\\', static_cast<size_t>(quote - start)) != nullptr) escaped = true;
      out = std::string_view(start, static_cast<size_t>(quote - start));
      c.p = quote + 1;
      return true;
    }
    escaped = true;
    c.p = quote + 1;
  }
  return false;
}

// Skips an object or array starting at c.p, honouring strings inside it.
bool skip_nested(Cursor& c) {
  int depth = 0;
  while (c.p < c.end) {
    const char ch = *c.p;
    if (ch == '"') {
      std::string_view ignored;
      bool esc = false;
      if (!read_string(c, ignored, esc)) return false;
      continue;
    }
    if (ch == '{' || ch == '[') {
      ++depth;
    } else if (ch == '}' || ch == ']') {
      if (--depth == 0) {
        ++c.p;
        return true;
      }
    }
    ++c.p;
  }
  return false;
}

// Skips a number, true, false or null.
bool skip_scalar(Cursor& c) {
  const char* start = c.p;
  while (c.p < c.end && *c.p != ',' && *c.p != '}' && *c.p != ' ' && *c.p != '\t' && *c.p != '\r' &&
         *c.p != '\n')
    ++c.p;
  return c.p > start;
}

// Moves past `lit` when the input continues with it.
bool expect(Cursor& c, std::string_view lit) {
  if (static_cast<size_t>(c.end - c.p) < lit.size() || std::memcmp(c.p, lit.data(), lit.size()) != 0) return false;
  c.p += lit.size();
  return true;
}

// The contents of a string with no escape in it, up to its closing quote
// (left unread); false at a backslash or the end of the input.
bool plain_string(Cursor& c, std::string_view& out) {
  const void* quote = std::memchr(c.p, '"', static_cast<size_t>(c.end - c.p));
  if (quote == nullptr) return false;
  const size_t len = static_cast<size_t>(static_cast<const char*>(quote) - c.p);
  if (std::memchr(c.p, '\\', len) != nullptr) return false;
  out = std::string_view(c.p, len);
  c.p += len;
  return true;
}

bool digits(Cursor& c) {
  const char* start = c.p;
  while (c.p < c.end && *c.p >= '0' && *c.p <= '9') ++c.p;
  return c.p > start;
}

// Nearly every line a chat run reads is a message event exactly as parleyd
// lays it out. Such a line is well-formed and its fields are where this reads
// them, so the answer is the one scan_object would give; anything else (other
// order, an escape, spaces) is left to the general walk.
// Returns where the object ends, or nullptr.
const char* match_message_layout(const char* begin, const char* end, std::string_view& text) {
  Cursor c{begin, end};
  std::string_view room, from;
  if (!expect(c, R"({"type":"message","room":")") || !plain_string(c, room)) return nullptr;
  if (!expect(c, R"(","from":")") || !plain_string(c, from)) return nullptr;
  if (!expect(c, R"(","text":")") || !plain_string(c, text)) return nullptr;
  if (!expect(c, R"(","seq":)") || !digits(c) || !expect(c, R"(,"ts":)") || !digits(c) || !expect(c, "}"))
    return nullptr;
  return c.p;
}

}  // namespace

bool scan_frame(std::string_view line, ScannedFrame& out) {
  const char* end = line.data() + line.size();
  std::string_view text;
  if (match_message_layout(line.data(), end, text) == end) {
    out = ScannedFrame{};
    out.type = line.substr(9, 7);  // "message"
    out.text = text;
    return true;
  }
  return scan_object(line, out);
}

bool scan_object(std::string_view line, ScannedFrame& out) {
  out = ScannedFrame{};
  Cursor c{line.data(), line.data() + line.size()};
  c.skip_ws();
  if (c.p >= c.end || *c.p != '{') return false;
  ++c.p;
  c.skip_ws();
  if (c.p < c.end && *c.p == '}') {
    ++c.p;
  } else {
    for (;;) {
      c.skip_ws();
      if (c.p >= c.end || *c.p != '"') return false;
      std::string_view key;
      bool key_escaped = false;
      if (!read_string(c, key, key_escaped)) return false;
      c.skip_ws();
      if (c.p >= c.end || *c.p != ':') return false;
      ++c.p;
      c.skip_ws();
      if (c.p >= c.end) return false;
      if (*c.p == '"') {
        std::string_view value;
        bool escaped = false;
        if (!read_string(c, value, escaped)) return false;
        // Keys with escapes are never the plain names we look for.
        if (!key_escaped) {
          if (key == "type") {
            out.type = value;
          } else if (key == "text") {
            out.text = value;
            out.text_escaped = escaped;
          } else if (key == "for") {
            out.for_ = value;
          } else if (key == "code") {
            out.code = value;
          }
        }
      } else if (*c.p == '{' || *c.p == '[') {
        if (!skip_nested(c)) return false;
      } else if (!skip_scalar(c)) {
        return false;
      }
      c.skip_ws();
      if (c.p >= c.end) return false;
      if (*c.p == ',') {
        ++c.p;
        continue;
      }
      if (*c.p == '}') {
        ++c.p;
        break;
      }
      return false;
    }
  }
  c.skip_ws();
  return c.p == c.end;
}

bool parse_u64_prefix(std::string_view s, uint64_t& value) {
  if (s.empty() || s[0] < '0' || s[0] > '9') return false;
  // Eight digits at a time while they last (the classic word trick), then
  // one at a time; nineteen digits always fit in 64 bits, a twentieth is checked.
  uint64_t v = 0;
  size_t i = 0;
  for (uint64_t w; i + 8 <= s.size() && i + 8 <= 16; i += 8) {
    std::memcpy(&w, s.data() + i, 8);
    constexpr uint64_t zeros = 0x3030303030303030, sixes = 0x0606060606060606, highs = 0xF0F0F0F0F0F0F0F0;
    if ((w & highs) != zeros || ((w + sixes) & highs) != zeros) break;
    // Digits to pairs, pairs to fours, fours to the eight-digit value.
    w = ((w & 0x0F0F0F0F0F0F0F0F) * 2561) >> 8;
    w = ((w & 0x00FF00FF00FF00FF) * 6553601) >> 16;
    v = v * 100000000 + (((w & 0x0000FFFF0000FFFF) * 42949672960001) >> 32);
  }
  for (; i < s.size() && i < 19 && s[i] >= '0' && s[i] <= '9'; ++i) v = v * 10 + static_cast<uint64_t>(s[i] - '0');
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
    if (__builtin_mul_overflow(v, 10u, &v) || __builtin_add_overflow(v, static_cast<uint64_t>(s[i] - '0'), &v))
      return false;
  }
  value = v;
  return true;
}

}  // namespace parley::bench
