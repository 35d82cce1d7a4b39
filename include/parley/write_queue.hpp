#pragma once
// A connection's outgoing frames. Frames are shared pointers, so a message
// fanned out to a whole room sits once in memory however many queues hold it.
// The queue counts its unsent bytes so the server can cut off a slow consumer
// (like Redis's client output buffer limit) before it costs memory.
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "parley/event.hpp"

namespace parley {

class WriteQueue {
public:
    // A frame shared with other queues (a fanned-out event).
    void push(SharedFrame frame);
    // Bytes of this connection alone (a reply): copied onto the end of a
    // buffer private to this queue, so a turn's replies cost one allocation.
    void append(std::string_view bytes);

    // Views of the unsent bytes from the front, at most out.size() of them
    // and about max_bytes in total; returns how many were filled.
    // Once gathered, the private tail buffer is sealed: its bytes may be in a
    // write in flight, so later replies start a new one.
    std::size_t gather(std::span<std::string_view> out, std::size_t max_bytes);
    // The first n unsent bytes have been written: release what they covered.
    void consume(std::size_t n);
    void clear();

    std::size_t pending_bytes() const { return pending_; }
    bool empty() const { return pending_ == 0; }

private:
    // Frames' worth of vector kept from one turn to the next (16 bytes each).
    static constexpr std::size_t kKeptCapacity = 32;

    std::vector<SharedFrame> frames_;
    std::shared_ptr<std::string> tail_;  // the last frame, while still appendable
    std::size_t head_ = 0;    // first frame with unsent bytes
    std::size_t offset_ = 0;  // bytes of frames_[head_] already written
    std::size_t pending_ = 0;
};

}  // namespace parley
