#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace parley::client {

// Cuts a byte stream into LF-terminated lines, however the bytes were split
// across reads. A CR right before the LF is dropped, as the protocol says.
// A line longer than `max_line` is discarded up to its LF rather than
// buffered without bound (a broken peer must not exhaust our memory); the
// caller learns about it through `overflowed()`.
class LineFramer {
public:
    explicit LineFramer(std::size_t max_line = 1 << 20) : max_line_(max_line) {}

    void feed(std::string_view bytes) { buffer_.append(bytes); }

    // The next complete line without its terminator, or nothing when more
    // bytes are needed.
    std::optional<std::string> next();

    // True once after a line was dropped for being too long.
    bool overflowed();

    // Bytes of an incomplete last line still waiting for their LF.
    std::size_t pending() const { return buffer_.size() - start_; }

private:
    std::string buffer_;
    std::size_t start_ = 0;
    std::size_t max_line_;
    bool discarding_ = false;
    bool overflowed_ = false;
};

}  // namespace parley::client
