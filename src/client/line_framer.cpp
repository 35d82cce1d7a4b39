#include "line_framer.h"

namespace parley::client {

std::optional<std::string> LineFramer::next() {
    for (;;) {
        std::size_t lf = buffer_.find('\n', start_);
        if (lf == std::string::npos) {
            if (buffer_.size() - start_ > max_line_) {
                // Keep nothing of a line we will drop anyway.
                buffer_.clear();
                start_ = 0;
                if (!discarding_) overflowed_ = true;
                discarding_ = true;
            } else if (start_ > 0) {
                buffer_.erase(0, start_);
                start_ = 0;
            }
            return std::nullopt;
        }
        std::size_t begin = start_;
        start_ = lf + 1;
        if (discarding_) {
            discarding_ = false;
            continue;
        }
        std::size_t end = lf;
        if (end > begin && buffer_[end - 1] == '\r') --end;
        if (end - begin > max_line_) {
            overflowed_ = true;
            continue;
        }
        return buffer_.substr(begin, end - begin);
    }
}

bool LineFramer::overflowed() {
    bool was = overflowed_;
    overflowed_ = false;
    return was;
}

}  // namespace parley::client
