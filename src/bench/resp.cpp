#include "resp.hpp"

#include <cstring>

namespace parley::bench::resp {

void append_command(std::string& out, std::initializer_list<std::string_view> args) {
  out += '*';
  out += std::to_string(args.size());
  out += "\r\n";
  for (std::string_view arg : args) {
    out += '$';
    out += std::to_string(arg.size());
    out += "\r\n";
    out.append(arg.data(), arg.size());
    out += "\r\n";
  }
}

namespace {

constexpr int kMaxDepth = 32;

enum class Step { Done, Incomplete, Malformed };

// Finds the CRLF that ends the header line starting at p.
const char* line_end(const char* p, const char* end) {
  while (p < end) {
    const void* cr = std::memchr(p, '\r', static_cast<size_t>(end - p));
    if (cr == nullptr) return nullptr;
    const char* c = static_cast<const char*>(cr);
    if (c + 1 >= end) return nullptr;
    if (c[1] == '\n') return c;
    p = c + 1;
  }
  return nullptr;
}

bool parse_int(const char* p, const char* end, int64_t& out) {
  if (p == end) return false;
  bool negative = false;
  if (*p == '-' || *p == '+') {
    negative = *p == '-';
    ++p;
    if (p == end) return false;
  }
  uint64_t v = 0;
  for (; p < end; ++p) {
    if (*p < '0' || *p > '9') return false;
    const uint64_t next = v * 10 + static_cast<uint64_t>(*p - '0');
    if (next / 10 != v) return false;
    v = next;
  }
  if (v > static_cast<uint64_t>(INT64_MAX)) return false;
  out = negative ? -static_cast<int64_t>(v) : static_cast<int64_t>(v);
  return true;
}

class Parser {
 public:
  Parser(const char* begin, const char* end) : p_(begin), end_(end) {}

  // Parses one value; when `capture` is set, fills it and, for aggregates,
  // stores top-level children in `children`.
  Step value(int depth, Element* self, Element* children, size_t* captured) {
    if (depth > kMaxDepth) return Step::Malformed;
    if (p_ >= end_) return Step::Incomplete;
    const char tag = *p_;
    const char* eol = line_end(p_ + 1, end_);
    if (eol == nullptr) return Step::Incomplete;
    const char* body = p_ + 1;
    Element e;
    switch (tag) {
      case '+':
      case '-':
      case ',':
      case '(':
        e.type = static_cast<Type>(tag);
        e.str = std::string_view(body, static_cast<size_t>(eol - body));
        p_ = eol + 2;
        break;
      case ':':
        e.type = Type::Integer;
        if (!parse_int(body, eol, e.integer)) return Step::Malformed;
        p_ = eol + 2;
        break;
      case '#':
        if (eol - body != 1 || (*body != 't' && *body != 'f')) return Step::Malformed;
        e.type = Type::Boolean;
        e.integer = *body == 't';
        p_ = eol + 2;
        break;
      case '_':
        if (eol != body) return Step::Malformed;
        e.type = Type::Null;
        p_ = eol + 2;
        break;
      case '$':
      case '=':
      case '!': {
        int64_t len = 0;
        if (!parse_int(body, eol, len) || len < -1) return Step::Malformed;
        if (len == -1) {
          e.type = Type::Null;
          p_ = eol + 2;
          break;
        }
        const char* data = eol + 2;
        if (end_ - data < len + 2) return Step::Incomplete;
        if (data[len] != '\r' || data[len + 1] != '\n') return Step::Malformed;
        e.type = tag == '!' ? Type::Error : Type::Bulk;
        e.str = std::string_view(data, static_cast<size_t>(len));
        p_ = data + len + 2;
        break;
      }
      case '*':
      case '>':
      case '~':
      case '%': {
        int64_t n = 0;
        if (!parse_int(body, eol, n) || n < -1) return Step::Malformed;
        p_ = eol + 2;
        if (n == -1) {
          e.type = Type::Null;
          break;
        }
        e.type = tag == '*' ? Type::Array : tag == '>' ? Type::Push : tag == '~' ? Type::Set : Type::Map;
        e.integer = n;
        const int64_t items = tag == '%' ? n * 2 : n;
        for (int64_t i = 0; i < items; ++i) {
          Element child;
          const Step s = value(depth + 1, &child, nullptr, nullptr);
          if (s != Step::Done) return s;
          if (children != nullptr && *captured < Reply::kMaxCaptured) children[(*captured)++] = child;
        }
        break;
      }
      default:
        return Step::Malformed;
    }
    if (self != nullptr) *self = e;
    return Step::Done;
  }

  const char* position() const { return p_; }

 private:
  const char* p_;
  const char* end_;
};

}  // namespace

size_t parse(std::string_view buf, Reply& out) {
  Parser parser(buf.data(), buf.data() + buf.size());
  out.captured = 0;
  switch (parser.value(0, &out.value, out.elements, &out.captured)) {
    case Step::Done:
      return static_cast<size_t>(parser.position() - buf.data());
    case Step::Incomplete:
      return 0;
    case Step::Malformed:
      break;
  }
  return kMalformed;
}

}  // namespace parley::bench::resp
