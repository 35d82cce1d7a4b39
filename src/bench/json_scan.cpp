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

}  // namespace

bool scan_frame(std::string_view line, ScannedFrame& out) {
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
  uint64_t v = 0;
  for (char ch : s) {
    if (ch < '0' || ch > '9') break;
    const uint64_t next = v * 10 + static_cast<uint64_t>(ch - '0');
    if (next / 10 != v) return false;
    v = next;
  }
  value = v;
  return true;
}

}  // namespace parley::bench
