#include "parley/history_fit.hpp"

#include <vector>

#include "parley/json_codec.hpp"
#include "parley/text_codec.hpp"

namespace parley {

namespace {
// Everything in a history reply besides its messages: type, for, id, room,
// seq, truncated and, in text mode, the closing line. Generous on purpose.
constexpr std::size_t kEnvelopeBytes = 512;
}  // namespace

std::size_t fit_history(ok::History& history, Mode mode, bool paging_forward, std::size_t budget) {
    auto& messages = history.messages;
    const std::size_t envelope = kEnvelopeBytes + 6 * history.room.size();  // the room name, escaped at worst
    std::size_t total = envelope;
    std::vector<std::size_t> sizes;
    sizes.reserve(messages.size());
    for (const auto& m : messages) {
        sizes.push_back(mode == Mode::json ? json_codec::history_entry_size(history.room, m)
                                           : text_codec::history_entry_size(history.room, m));
        total += sizes.back();
    }
    if (total <= budget) return 0;

    // Keep whole messages from the end that matters while they fit.
    std::size_t keep = 0, used = envelope;
    for (; keep < messages.size(); ++keep) {
        std::size_t i = paging_forward ? keep : messages.size() - 1 - keep;
        if (used + sizes[i] > budget) break;
        used += sizes[i];
    }
    std::size_t dropped = messages.size() - keep;
    if (paging_forward) {
        messages.resize(keep);
    } else {
        messages.erase(messages.begin(), messages.begin() + static_cast<std::ptrdiff_t>(dropped));
        history.truncated = true;
    }
    return dropped;
}

}  // namespace parley
