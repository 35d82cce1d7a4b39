#include "parley/event.hpp"

#include "parley/json_codec.hpp"
#include "parley/text_codec.hpp"

namespace parley {

std::string_view to_string(LeaveReason reason) {
    switch (reason) {
        case LeaveReason::leave: return "leave";
        case LeaveReason::quit: return "quit";
        case LeaveReason::disconnect: return "disconnect";
    }
    return "disconnect";
}

std::string_view to_string(ShutdownReason reason) {
    return reason == ShutdownReason::admin ? "admin" : "signal";
}

const SharedFrame& OutgoingEvent::frame(Mode mode) const {
    auto& slot = frames_[static_cast<std::size_t>(mode)];
    if (!slot) {
        slot = std::make_shared<const std::string>(
            mode == Mode::json ? json_codec::encode(event_) : text_codec::encode(event_));
    }
    return slot;
}

}  // namespace parley
