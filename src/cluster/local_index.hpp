#pragma once
// This node's own connections: a number for each (the "n" of member id
// "node/n"), its nick and rooms, and for each room the local members that
// receive its events. Pending Redis callbacks hold only the number and look
// the connection up here, so a connection that closed in the meantime is
// simply not found: nothing ever touches a Client after it is gone.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "parley/event.hpp"

namespace parley {
class Client;
}

namespace parley::cluster {

struct LocalClient {
    std::uint64_t id = 0;
    Client* client = nullptr;
    std::string member;  // node/id
    std::string nick;    // empty until Redis gave it a guest name
    // Rooms whose events this client receives, in join order: the last one
    // is the current room of a text-mode client.
    std::vector<std::string> rooms;
    std::uint64_t pending_op = 0;
    // Between the moment its request took effect in the event order and the
    // moment its reply arrived, events for the client wait here, so that
    // they follow the reply as they follow the request on Redis.
    bool holding = false;
    std::vector<std::shared_ptr<const OutgoingEvent>> held;
    bool told_unavailable = false;
    bool needs_restore = false;  // resync waits for the request in flight

    bool named() const { return !nick.empty(); }
    bool in_room(std::string_view room) const;
};

class LocalIndex {
public:
    explicit LocalIndex(std::string node) : prefix_(std::move(node) + "/") {}

    LocalClient& add(Client& client);
    // Forgets the client and its rooms.
    void remove(std::uint64_t id);

    LocalClient* find(std::uint64_t id);
    LocalClient* find(const Client& client);
    // A member id of this node ("node/n"), else nullptr.
    LocalClient* find_member(std::string_view member);
    bool is_local_member(std::string_view member) const { return member.starts_with(prefix_); }

    // Adds the room, or moves it to the back if the client is in it already.
    void join(LocalClient& c, const std::string& room);
    void leave(LocalClient& c, const std::string& room);

    // Ids of the local members of `room` (a copy: delivering may change it).
    std::vector<std::uint64_t> members_of(const std::string& room) const;
    // Rooms with local members or pinned by a request in flight: their
    // channels stay subscribed.
    bool needed(const std::string& room) const;
    void pin(const std::string& room);
    void unpin(const std::string& room);
    // Rooms that were needed and are not any more (drained on each call).
    std::vector<std::string> take_unneeded();

    template <class F>
    void for_each(F&& f) {
        for (auto& [id, c] : clients_) f(*c);
    }
    std::vector<std::uint64_t> ids() const;
    std::size_t client_count() const { return clients_.size(); }
    // Rooms with at least one local member.
    std::size_t room_count() const;

private:
    struct RoomEntry {
        std::vector<std::uint64_t> members;
        int pins = 0;
    };
    void maybe_unneeded(const std::string& room);

    std::string prefix_;
    std::uint64_t next_id_ = 1;
    std::unordered_map<std::uint64_t, std::unique_ptr<LocalClient>> clients_;
    std::unordered_map<const Client*, std::uint64_t> by_client_;
    std::unordered_map<std::string, RoomEntry> rooms_;
    std::vector<std::string> unneeded_;
};

}  // namespace parley::cluster
