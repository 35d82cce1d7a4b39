#pragma once
// One room: its members and its recent messages, bounded like the Asio chat
// example's recent_msgs_, but with a seq that never goes back.
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "parley/reply.hpp"

namespace parley {

class Participant;

class Room {
public:
    explicit Room(std::string name) : name_(std::move(name)) {}

    const std::string& name() const { return name_; }
    const std::vector<Participant*>& members() const { return members_; }
    const std::deque<StoredMessage>& history() const { return history_; }
    std::uint64_t last_seq() const { return last_seq_; }
    std::int64_t empty_since_ms() const { return empty_since_ms_; }

private:
    friend class RoomRegistry;
    std::string name_;
    std::vector<Participant*> members_;  // join order; sorted by nick only when asked
    std::deque<StoredMessage> history_;
    std::uint64_t last_seq_ = 0;
    std::int64_t empty_since_ms_ = 0;
};

}  // namespace parley
