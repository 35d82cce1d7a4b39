#pragma once
// The one central registry of nicks and rooms. It owns every rule about who
// is where and what each member is told; it reaches members only through
// Participant::deliver, so it holds no socket and knows no encoding.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "parley/clock.hpp"
#include "parley/participant.hpp"
#include "parley/reply.hpp"
#include "parley/result.hpp"
#include "parley/room.hpp"

namespace parley {

struct RegistryLimits {
    std::size_t max_rooms_per_client = 64;
    std::size_t history = 100;  // messages kept per room
    // How long an empty room keeps its history (PROTOCOL.md: at least 5 min).
    std::int64_t empty_room_retention_ms = 5 * 60 * 1000;
};

class RoomRegistry {
public:
    RoomRegistry(RegistryLimits limits, const Clock& clock) : limits_(limits), clock_(clock) {}
    RoomRegistry(const RoomRegistry&) = delete;
    RoomRegistry& operator=(const RoomRegistry&) = delete;

    // A new connection gets a free guestN nick.
    void add(Participant& p);
    // Leaves every room (the others get `left` with `reason`) and frees the
    // nick. Safe to call twice.
    void remove(Participant& p, LeaveReason reason);

    Result<ok::Nick> set_nick(Participant& p, std::string_view nick);
    Result<ok::Join> join(Participant& p, std::string_view room);
    Result<ok::Leave> leave(Participant& p, std::string_view room);
    Result<ok::Say> say(Participant& p, std::string_view room, std::string_view text);
    Result<ok::Msg> msg(Participant& p, std::string_view to, std::string_view text);
    Result<ok::Who> who(std::string_view room) const;
    ok::Rooms rooms() const;
    Result<ok::History> history(std::string_view room, std::optional<std::uint64_t> since,
                                std::optional<std::uint64_t> limit) const;

    // Every registered participant gets `event` (server shutdown).
    void broadcast(const OutgoingEvent& event);

    // Drops the history of rooms that have been empty for longer than the
    // retention; the room's seq is kept so that it is never reused.
    void expire_empty_rooms();

    std::size_t participant_count() const { return by_nick_.size(); }
    std::size_t occupied_room_count() const { return occupied_rooms_; }
    const RegistryLimits& limits() const { return limits_; }

private:
    Room* find_room(std::string_view name) const;
    void detach(Participant& p, Room& room, LeaveReason reason);
    std::string next_guest_nick();

    RegistryLimits limits_;
    const Clock& clock_;
    std::unordered_map<std::string, Participant*> by_nick_;  // key: names::nick_key
    std::unordered_map<std::string, std::unique_ptr<Room>> rooms_;
    std::size_t occupied_rooms_ = 0;
    std::uint64_t next_guest_ = 1;
    std::uint32_t visit_generation_ = 0;
};

}  // namespace parley
