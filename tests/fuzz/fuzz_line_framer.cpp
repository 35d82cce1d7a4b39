// LineFramer against a model of PROTOCOL.md's framing rules, with the stream
// cut at fuzzer-chosen points. The framer keeps state across reads, so the
// places a stream is cut are the interesting input, not just its bytes: the
// frames and the frame_too_large errors must be exactly those of the model,
// whatever the cuts, and the held partial line must never pass max_frame + 1.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"
#include "parley/line_framer.hpp"

namespace {

// One thing the framer reports: a frame, or an over-long line (empty text).
struct Report {
    bool oversize = false;
    std::string frame;
    bool operator==(const Report&) const = default;
};

bool blank(std::string_view line) {
    return line.find_first_not_of(" \t") == std::string_view::npos;
}

// The rules written as plainly as possible: split on LF, drop one CR before
// it, a line longer than max_frame is one error, blank lines are nothing. An
// unterminated tail is dropped, but is already known to be over-long once it
// holds more than max_frame + 1 bytes (the + 1 is room for a CR).
std::vector<Report> model(std::string_view stream, std::size_t max_frame) {
    std::vector<Report> out;
    for (;;) {
        std::size_t lf = stream.find('\n');
        if (lf == std::string_view::npos) {
            if (stream.size() > max_frame + 1) out.push_back({true, {}});
            return out;
        }
        std::string_view line = stream.substr(0, lf);
        stream.remove_prefix(lf + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.size() > max_frame) out.push_back({true, {}});
        else if (!blank(line)) out.push_back({false, std::string(line)});
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    // Small limits make over-long lines and the CR slack common.
    const auto max_frame = in.ConsumeIntegralInRange<std::size_t>(0, 48);
    // Stop (as on quit) at this frame; 0 never stops.
    const auto stop_at = in.ConsumeIntegralInRange<std::size_t>(0, 16);
    std::vector<std::size_t> cuts;
    for (auto n = in.ConsumeIntegralInRange<int>(0, 24); n > 0; --n)
        cuts.push_back(in.ConsumeIntegralInRange<std::size_t>(0, 70));
    const std::string stream = in.ConsumeRemainingBytesAsString();

    parley::LineFramer framer(max_frame);
    std::vector<Report> got;
    std::size_t frames = 0;
    bool stopped = false;
    auto on_frame = [&](std::string_view line) {
        FUZZ_CHECK(line.find('\n') == std::string_view::npos);
        FUZZ_CHECK(line.size() <= max_frame);
        FUZZ_CHECK(!blank(line));
        got.push_back({false, std::string(line)});
        if (++frames == stop_at) stopped = true;
        return !stopped;
    };
    auto on_oversize = [&] { got.push_back({true, {}}); };

    std::string_view rest = stream;
    std::size_t next_cut = 0;
    while (!rest.empty() && !stopped) {
        // Cut lengths cycle; a zero-length read is legal and must change nothing.
        std::size_t len = cuts.empty() ? rest.size() : cuts[next_cut++ % cuts.size()];
        if (len == 0) {
            framer.feed({}, on_frame, on_oversize);
            len = 1;
        }
        if (len > rest.size()) len = rest.size();
        framer.feed(rest.substr(0, len), on_frame, on_oversize);
        rest.remove_prefix(len);
        FUZZ_CHECK(framer.buffered() <= max_frame + 1);
    }

    std::vector<Report> want = model(stream, max_frame);
    if (stopped) {
        // Everything up to and including the frame that stopped the feed.
        std::size_t seen = 0, keep = 0;
        while (keep < want.size() && seen < stop_at) seen += !want[keep++].oversize;
        want.resize(keep);
    }
    FUZZ_CHECK(got == want);
    return 0;
}
