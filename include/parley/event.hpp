#pragma once
// Events the server sends unasked, and the shared, lazily encoded form in
// which one event reaches all of its recipients.
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <variant>

#include "parley/request.hpp"

namespace parley {

enum class LeaveReason : std::uint8_t { leave, quit, disconnect };
enum class ShutdownReason : std::uint8_t { admin, signal };

std::string_view to_string(LeaveReason reason);
std::string_view to_string(ShutdownReason reason);

namespace ev {
struct Message { std::string room, from, text; std::uint64_t seq = 0; std::int64_t ts = 0; };
struct Private { std::string from, to, text; std::int64_t ts = 0; };
struct Joined { std::string room, nick; };
struct Left { std::string room, nick; LeaveReason reason = LeaveReason::leave; };
struct NickChanged { std::string old_nick, nick; };
struct Shutdown { ShutdownReason reason = ShutdownReason::signal; };
}  // namespace ev

using Event = std::variant<ev::Message, ev::Private, ev::Joined, ev::Left, ev::NickChanged, ev::Shutdown>;

// One encoded line, shared by every connection it is queued on.
using SharedFrame = std::shared_ptr<const std::string>;

// An event on its way to many recipients. Each mode's bytes are made the first
// time a recipient in that mode asks, then shared: a message to a room of ten
// thousand is serialised at most twice.
class OutgoingEvent {
public:
    explicit OutgoingEvent(Event event) : event_(std::move(event)) {}
    const Event& event() const { return event_; }
    const SharedFrame& frame(Mode mode) const;

private:
    Event event_;
    mutable std::array<SharedFrame, 2> frames_;
};

}  // namespace parley
