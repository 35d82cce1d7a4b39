#pragma once
// Where the chat state lives. The default keeps it in this process (a
// RoomRegistry); cluster mode keeps it in Redis so several nodes act as one.
// A backend may answer later: execute() then returns nothing and the backend
// calls Client::complete() with the reply, and the client holds its later
// frames until then, so replies still leave in request order.
#include <optional>
#include <string>

#include "parley/event.hpp"
#include "parley/participant.hpp"
#include "parley/reply.hpp"
#include "parley/request.hpp"

namespace parley {

class Client;

class ChatBackend {
public:
    virtual ~ChatBackend() = default;

    // A new connection: give it a free guestN nick. Returns false when that
    // takes a round trip; the backend then calls Client::resume() once named.
    virtual bool attach(Client& client) = 0;
    // The connection leaves every room with `reason`; safe to call twice.
    virtual void detach(Client& client, LeaveReason reason) = 0;

    // nick, join, leave, say, msg, who, rooms, history. `room` is already
    // filled in for text-mode commands that default to the current room.
    virtual std::optional<Reply> execute(Client& client, const Request& request) = 0;

    // The room text mode talks to: the most recently joined and not left.
    virtual std::optional<std::string> current_room(const Client& client) const = 0;

    // Every local connection gets `event` (the shutdown notice).
    virtual void broadcast(const OutgoingEvent& event) = 0;

    // connections and rooms of `stats`, and the cluster part if any.
    virtual void fill_stats(ServerStats& stats) const = 0;

    // Called about once a second: expiry and other upkeep.
    virtual void housekeeping() = 0;

protected:
    // For backends whose names live outside this process's registry: the
    // name a participant answers to (hello, logs) once the backend gave it.
    static void set_name(Participant& p, std::string nick) {
        p.nick_ = std::move(nick);
        p.registered_ = true;
    }
};

}  // namespace parley
