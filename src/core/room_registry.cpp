#include "parley/room_registry.hpp"

#include <algorithm>

#include "parley/names.hpp"

namespace parley {

namespace {

std::vector<std::string> sorted_nicks(const Room& room) {
    std::vector<std::string> nicks;
    nicks.reserve(room.members().size());
    for (const Participant* m : room.members()) nicks.push_back(m->nick());
    std::sort(nicks.begin(), nicks.end());  // byte order of UTF-8 is code point order
    return nicks;
}

void deliver_to_members(const Room& room, const OutgoingEvent& event, const Participant* except) {
    for (Participant* m : room.members())
        if (m != except) m->deliver(event);
}

Failure invalid_room() {
    return {ErrorCode::invalid_room, "room names are 1 to 64 characters, without spaces or control characters"};
}

}  // namespace

Room* RoomRegistry::find_room(std::string_view name) const {
    auto it = rooms_.find(std::string(name));
    return it == rooms_.end() ? nullptr : it->second.get();
}

std::string RoomRegistry::next_guest_nick() {
    for (;;) {
        std::string nick = "guest" + std::to_string(next_guest_++);
        if (!by_nick_.contains(nick)) return nick;
    }
}

void RoomRegistry::add(Participant& p) {
    if (p.registered_) return;
    p.nick_ = next_guest_nick();
    by_nick_.emplace(names::nick_key(p.nick_), &p);
    p.registered_ = true;
}

void RoomRegistry::remove(Participant& p, LeaveReason reason) {
    if (!p.registered_) return;
    while (!p.rooms_.empty()) detach(p, *p.rooms_.back(), reason);
    by_nick_.erase(names::nick_key(p.nick_));
    p.registered_ = false;
}

void RoomRegistry::detach(Participant& p, Room& room, LeaveReason reason) {
    auto& members = room.members_;
    members.erase(std::find(members.begin(), members.end(), &p));
    auto& mine = p.rooms_;
    mine.erase(std::find(mine.begin(), mine.end(), &room));
    if (members.empty()) {
        --occupied_rooms_;
        room.empty_since_ms_ = clock_.mono_ms();
        // A room that never had a message has nothing to keep.
        if (room.last_seq_ == 0) {
            std::string key = room.name_;  // erase must not read the dying node's key
            rooms_.erase(key);
            return;
        }
    }
    deliver_to_members(room, OutgoingEvent(ev::Left{room.name_, p.nick_, reason}), &p);
}

Result<ok::Nick> RoomRegistry::set_nick(Participant& p, std::string_view nick) {
    if (!names::valid_nick(nick)) {
        return Failure{ErrorCode::invalid_nick,
                       "nicks are 1 to 32 characters, without spaces, control characters or / @ # : , \" \\"};
    }
    if (nick == p.nick_) return ok::Nick{p.nick_};
    std::string key = names::nick_key(nick);
    auto it = by_nick_.find(key);
    if (it != by_nick_.end() && it->second != &p) return Failure{ErrorCode::nick_taken, "that nick is taken"};

    std::string old = std::move(p.nick_);
    by_nick_.erase(names::nick_key(old));
    p.nick_ = std::string(nick);
    by_nick_.emplace(std::move(key), &p);

    // Once to everyone who shares at least one room, however many they share.
    OutgoingEvent event(ev::NickChanged{old, p.nick_});
    ++visit_generation_;
    p.visit_mark_ = visit_generation_;
    for (Room* room : p.rooms_) {
        for (Participant* m : room->members_) {
            if (m->visit_mark_ == visit_generation_) continue;
            m->visit_mark_ = visit_generation_;
            m->deliver(event);
        }
    }
    return ok::Nick{p.nick_};
}

Result<ok::Join> RoomRegistry::join(Participant& p, std::string_view name) {
    if (!names::valid_room(name)) return invalid_room();
    Room* room = find_room(name);
    if (room != nullptr) {
        auto& mine = p.rooms_;
        if (auto it = std::find(mine.begin(), mine.end(), room); it != mine.end()) {
            // Already a member: nothing changes but which room is current.
            mine.erase(it);
            mine.push_back(room);
            return ok::Join{room->name_, sorted_nicks(*room), room->last_seq_};
        }
    }
    if (p.rooms_.size() >= limits_.max_rooms_per_client) {
        return Failure{ErrorCode::too_many_rooms,
                       "a client may be in at most " + std::to_string(limits_.max_rooms_per_client) + " rooms"};
    }
    if (room == nullptr) {
        auto [it, _] = rooms_.emplace(std::string(name), std::make_unique<Room>(std::string(name)));
        room = it->second.get();
    }
    deliver_to_members(*room, OutgoingEvent(ev::Joined{room->name_, p.nick_}), &p);
    if (room->members_.empty()) ++occupied_rooms_;
    room->members_.push_back(&p);
    p.rooms_.push_back(room);
    return ok::Join{room->name_, sorted_nicks(*room), room->last_seq_};
}

Result<ok::Leave> RoomRegistry::leave(Participant& p, std::string_view name) {
    Room* room = find_room(name);
    if (room == nullptr || std::find(p.rooms_.begin(), p.rooms_.end(), room) == p.rooms_.end())
        return Failure{ErrorCode::not_in_room, "you are not in that room"};
    ok::Leave reply{room->name_};
    detach(p, *room, LeaveReason::leave);
    return reply;
}

Result<ok::Say> RoomRegistry::say(Participant& p, std::string_view name, std::string_view text) {
    Room* room = find_room(name);
    if (room == nullptr || std::find(p.rooms_.begin(), p.rooms_.end(), room) == p.rooms_.end())
        return Failure{ErrorCode::not_in_room, "join the room before saying something in it"};
    if (text.empty()) return Failure{ErrorCode::bad_request, "text must not be empty"};

    StoredMessage stored{p.nick_, std::string(text), ++room->last_seq_, clock_.wall_ms()};
    OutgoingEvent event(ev::Message{room->name_, stored.from, stored.text, stored.seq, stored.ts});
    ok::Say reply{room->name_, stored.seq, stored.ts};
    if (limits_.history > 0) {
        if (room->history_.size() >= limits_.history) room->history_.pop_front();
        room->history_.push_back(std::move(stored));
    }
    deliver_to_members(*room, event, &p);
    return reply;
}

Result<ok::Msg> RoomRegistry::msg(Participant& p, std::string_view to, std::string_view text) {
    auto it = by_nick_.find(names::nick_key(to));
    if (it == by_nick_.end()) return Failure{ErrorCode::no_such_nick, "nobody has that nick"};
    if (text.empty()) return Failure{ErrorCode::bad_request, "text must not be empty"};
    Participant& target = *it->second;
    std::int64_t ts = clock_.wall_ms();
    target.deliver(OutgoingEvent(ev::Private{p.nick_, target.nick_, std::string(text), ts}));
    return ok::Msg{target.nick_, ts};
}

Result<ok::Who> RoomRegistry::who(std::string_view name) const {
    if (!names::valid_room(name)) return invalid_room();
    const Room* room = find_room(name);
    if (room == nullptr) return ok::Who{std::string(name), {}};
    return ok::Who{room->name_, sorted_nicks(*room)};
}

ok::Rooms RoomRegistry::rooms() const {
    ok::Rooms out;
    for (const auto& [name, room] : rooms_)
        if (!room->members_.empty()) out.rooms.push_back({name, room->members_.size()});
    std::sort(out.rooms.begin(), out.rooms.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return out;
}

Result<ok::History> RoomRegistry::history(std::string_view name, std::optional<std::uint64_t> since,
                                          std::optional<std::uint64_t> limit) const {
    if (!names::valid_room(name)) return invalid_room();
    ok::History out{std::string(name), {}, 0, false};
    const Room* room = find_room(name);
    if (room == nullptr) return out;
    out.seq = room->last_seq_;
    std::uint64_t count = std::min<std::uint64_t>(limit.value_or(50), limits_.history);
    const auto& kept = room->history_;
    // The oldest seq still kept; everything from 1 to first_kept - 1 is gone.
    std::uint64_t first_kept = kept.empty() ? room->last_seq_ + 1 : kept.front().seq;
    std::size_t begin, end;
    if (since) {
        out.truncated = *since < first_kept - 1;  // first_kept >= 1: no overflow for any since
        // Kept seqs are contiguous, so the position of since + 1 is arithmetic.
        std::uint64_t skip = *since >= first_kept ? *since - first_kept + 1 : 0;
        begin = static_cast<std::size_t>(std::min<std::uint64_t>(skip, kept.size()));
        end = static_cast<std::size_t>(std::min<std::uint64_t>(begin + count, kept.size()));
    } else {
        out.truncated = first_kept > 1;
        end = kept.size();
        begin = end - static_cast<std::size_t>(std::min<std::uint64_t>(count, kept.size()));
    }
    out.messages.assign(kept.begin() + static_cast<std::ptrdiff_t>(begin), kept.begin() + static_cast<std::ptrdiff_t>(end));
    return out;
}

void RoomRegistry::broadcast(const OutgoingEvent& event) {
    for (auto& [key, p] : by_nick_) p->deliver(event);
}

void RoomRegistry::expire_empty_rooms() {
    std::int64_t now = clock_.mono_ms();
    for (auto& [name, room] : rooms_) {
        if (room->members_.empty() && !room->history_.empty() &&
            now - room->empty_since_ms_ >= limits_.empty_room_retention_ms) {
            room->history_ = {};
        }
    }
}

}  // namespace parley
