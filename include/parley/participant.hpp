#pragma once
// What the room registry knows of a connection: a name, the rooms it is in,
// and one verb to hand it an event. The registry never learns how the event
// travels (a socket, a test double, or a relay to other nodes).
#include <cstdint>
#include <string>
#include <vector>

#include "parley/event.hpp"

namespace parley {

class Room;

class Participant {
public:
    virtual ~Participant() = default;
    virtual void deliver(const OutgoingEvent& event) = 0;

    const std::string& nick() const { return nick_; }
    // Rooms in the order joined (a re-join moves a room to the back); the back
    // is the current room of a text-mode client.
    const std::vector<Room*>& rooms() const { return rooms_; }
    bool registered() const { return registered_; }

private:
    friend class RoomRegistry;
    friend class ChatBackend;  // backends that keep names elsewhere (cluster mode)
    std::string nick_;
    std::vector<Room*> rooms_;
    std::uint32_t visit_mark_ = 0;  // lets one fan-out visit each participant once
    bool registered_ = false;
};

}  // namespace parley
