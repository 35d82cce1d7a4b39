#pragma once
// Splits a TCP byte stream into LF-terminated frames (PROTOCOL.md, "TCP
// framing"). A line that completes inside one read is handed out as a view of
// the read buffer, so the common case copies nothing; only a line cut by a read
// boundary is gathered in `partial_`, which never grows past max_frame + 1 bytes.
#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>

namespace parley {

class LineFramer {
public:
    explicit LineFramer(std::size_t max_frame) : max_frame_(max_frame) {}

    // on_frame(std::string_view line) -> bool: called for every line that is
    // not blank, without CR/LF; returning false stops at once. on_oversize():
    // called once per line longer than max_frame; that line's bytes are
    // skipped up to and including its LF. Returns how many bytes were used:
    // all of them, or up to the LF of the line whose on_frame said stop.
    template <class OnFrame, class OnOversize>
    std::size_t feed(std::string_view bytes, OnFrame&& on_frame, OnOversize&& on_oversize);

    // Bytes of an incomplete line held between reads.
    std::size_t buffered() const { return partial_.size(); }
    std::size_t max_frame() const { return max_frame_; }

private:
    static bool is_blank(std::string_view line) {
        for (char c : line)
            if (c != ' ' && c != '\t') return false;
        return true;
    }
    // Strips a CR before the LF and applies the length limit; true when the
    // line should go to on_frame.
    template <class OnOversize>
    bool finish_line(std::string_view& line, OnOversize& on_oversize) {
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.size() > max_frame_) {
            on_oversize();
            return false;
        }
        return !is_blank(line);
    }

    std::string partial_;
    std::size_t max_frame_;
    bool discarding_ = false;  // inside an over-long line, waiting for its LF
};

template <class OnFrame, class OnOversize>
std::size_t LineFramer::feed(std::string_view bytes, OnFrame&& on_frame, OnOversize&& on_oversize) {
    const std::size_t total = bytes.size();
    while (!bytes.empty()) {
        const char* lf = static_cast<const char*>(std::memchr(bytes.data(), '\n', bytes.size()));
        if (lf == nullptr) {
            if (discarding_) return total;
            // One byte of slack: a line of exactly max_frame bytes may still be
            // waiting for the LF of its CRLF.
            if (partial_.size() + bytes.size() > max_frame_ + 1) {
                partial_.clear();
                partial_.shrink_to_fit();
                discarding_ = true;
                on_oversize();
                return total;
            }
            partial_.append(bytes);
            return total;
        }
        std::size_t len = static_cast<std::size_t>(lf - bytes.data());
        std::string_view line = bytes.substr(0, len);
        bytes.remove_prefix(len + 1);
        if (discarding_) {
            discarding_ = false;
            continue;
        }
        bool keep_going = true;
        if (!partial_.empty()) {
            if (partial_.size() + line.size() > max_frame_ + 1) {
                partial_.clear();
                on_oversize();
                continue;
            }
            partial_.append(line);
            std::string joined;
            joined.swap(partial_);
            std::string_view view = joined;
            if (finish_line(view, on_oversize)) keep_going = on_frame(view);
        } else if (finish_line(line, on_oversize)) {
            keep_going = on_frame(line);
        }
        if (!keep_going) return total - bytes.size();
    }
    return total;
}

}  // namespace parley
