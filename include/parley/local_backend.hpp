#pragma once
// The single-process backend: every answer comes at once from the registry.
#include "parley/chat_backend.hpp"
#include "parley/room_registry.hpp"

namespace parley {

class LocalBackend final : public ChatBackend {
public:
    explicit LocalBackend(RoomRegistry& registry) : registry_(registry) {}

    bool attach(Client& client) override;
    void detach(Client& client, LeaveReason reason) override;
    std::optional<Reply> execute(Client& client, const Request& request) override;
    std::optional<std::string> current_room(const Client& client) const override;
    void broadcast(const OutgoingEvent& event) override { registry_.broadcast(event); }
    void fill_stats(ServerStats& stats) const override;
    void housekeeping() override { registry_.expire_empty_rooms(); }

private:
    RoomRegistry& registry_;
};

}  // namespace parley
