#pragma once
// A connection's outgoing frames. Frames are shared pointers, so a message
// fanned out to a whole room sits once in memory however many queues hold it.
// The queue counts its unsent bytes so the server can cut off a slow consumer
// (like Redis's client output buffer limit) before it costs memory.
#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include "parley/event.hpp"

namespace parley {

class WriteQueue {
public:
    void push(SharedFrame frame);

    // Views of the unsent bytes from the front, at most out.size() of them
    // and about max_bytes in total; returns how many were filled.
    std::size_t gather(std::span<std::string_view> out, std::size_t max_bytes) const;
    // The first n unsent bytes have been written: release what they covered.
    void consume(std::size_t n);
    void clear();

    std::size_t pending_bytes() const { return pending_; }
    bool empty() const { return pending_ == 0; }

private:
    std::vector<SharedFrame> frames_;
    std::size_t head_ = 0;    // first frame with unsent bytes
    std::size_t offset_ = 0;  // bytes of frames_[head_] already written
    std::size_t pending_ = 0;
};

}  // namespace parley
