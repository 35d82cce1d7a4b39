#include "parley/write_queue.hpp"

#include <algorithm>

namespace parley {

void WriteQueue::push(SharedFrame frame) {
    if (frame->empty()) return;
    tail_.reset();  // later replies must come after this frame
    pending_ += frame->size();
    frames_.push_back(std::move(frame));
}

void WriteQueue::append(std::string_view bytes) {
    if (bytes.empty()) return;
    if (!tail_) {
        tail_ = std::make_shared<std::string>();
        tail_->reserve(std::max<std::size_t>(bytes.size(), 512));
        frames_.push_back(tail_);
    }
    tail_->append(bytes);
    pending_ += bytes.size();
}

std::size_t WriteQueue::gather(std::span<std::string_view> out, std::size_t max_bytes) {
    tail_.reset();
    std::size_t n = 0, total = 0;
    for (std::size_t i = head_; i < frames_.size() && n < out.size() && total < max_bytes; ++i) {
        std::string_view bytes = *frames_[i];
        if (i == head_) bytes.remove_prefix(offset_);
        out[n++] = bytes;
        total += bytes.size();
    }
    return n;
}

void WriteQueue::consume(std::size_t n) {
    pending_ -= n;
    while (n > 0) {
        std::size_t left = frames_[head_]->size() - offset_;
        if (n < left) {
            offset_ += n;
            return;
        }
        n -= left;
        frames_[head_++].reset();
        offset_ = 0;
    }
    if (head_ == frames_.size()) {
        clear();
    } else if (head_ >= 64 && head_ * 2 >= frames_.size()) {
        // Drop the written prefix now and then so the vector does not creep.
        frames_.erase(frames_.begin(), frames_.begin() + static_cast<std::ptrdiff_t>(head_));
        head_ = 0;
    }
}

void WriteQueue::clear() {
    tail_.reset();
    // Keep the capacity a busy turn needs (a member of a busy room is owed
    // dozens of messages every turn, and regrowing the vector each time
    // showed in the profiles), but release a burst's worth: a connection
    // should not keep what one backlog needed.
    if (frames_.capacity() > kKeptCapacity) std::vector<SharedFrame>().swap(frames_);
    else frames_.clear();
    head_ = offset_ = pending_ = 0;
}

}  // namespace parley
