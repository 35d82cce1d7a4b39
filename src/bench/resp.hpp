#pragma once
// RESP (the Redis serialization protocol) for the bench's Redis target:
// commands are encoded as arrays of bulk strings, exactly as redis-cli and
// redis-benchmark send them, and replies are parsed incrementally straight out
// of the read buffer without allocating. Only the top-level elements of an
// aggregate are captured (a pub/sub "message" push is a flat array of three);
// nested aggregates are parsed and skipped so framing stays exact.
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace parley::bench::resp {

// Appends one command, e.g. append_command(out, {"PUBLISH", channel, payload}).
void append_command(std::string& out, std::initializer_list<std::string_view> args);

enum class Type : char {
  Simple = '+',
  Error = '-',
  Integer = ':',
  Bulk = '$',
  Array = '*',
  Push = '>',   // RESP3
  Map = '%',    // RESP3
  Set = '~',    // RESP3
  Null = '_',   // RESP3, and RESP2 "$-1" / "*-1"
  Boolean = '#',
  Double = ',',
  BigNumber = '(',
};

struct Element {
  Type type = Type::Null;
  std::string_view str;  // Simple, Error, Bulk, Double, BigNumber text
  int64_t integer = 0;   // Integer, Boolean, and the length of an aggregate
};

struct Reply {
  static constexpr size_t kMaxCaptured = 8;
  Element value;                      // the reply itself
  Element elements[kMaxCaptured];     // its first top-level elements, if aggregate
  size_t captured = 0;
};

// Parses one complete reply at the start of `buf`. Returns the number of bytes
// it spans; 0 when `buf` holds only part of a reply; kMalformed when the bytes
// cannot be RESP.
inline constexpr size_t kMalformed = static_cast<size_t>(-1);
size_t parse(std::string_view buf, Reply& out);

}  // namespace parley::bench::resp
