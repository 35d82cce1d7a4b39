#pragma once
// The protocol layer: executes decoded requests, handing the chat ones to the
// backend (this process's registry, or a cluster), and owns what is
// server-wide (counters, the admin token, shutdown).
#include <cstdint>
#include <memory>
#include <optional>

#include "parley/chat_backend.hpp"
#include "parley/clock.hpp"
#include "parley/event.hpp"
#include "parley/protocol_config.hpp"
#include "parley/reply.hpp"
#include "parley/request.hpp"
#include "parley/room_registry.hpp"

namespace parley {

class Client;

// What the I/O shell does when the protocol decides the server must stop.
class Lifecycle {
public:
    virtual ~Lifecycle() = default;
    // The shutdown event is already queued to everyone: stop accepting,
    // flush, close, exit.
    virtual void shutdown_started(ShutdownReason reason) = 0;
    // Called for each said or private message when --log-messages is on.
    virtual void log_message(const Client& from, std::string_view where, std::string_view text) = 0;
};

struct Counters {
    std::uint64_t frames_in = 0;
    std::uint64_t frames_out = 0;
    std::uint64_t bytes_in = 0;
    std::uint64_t bytes_out = 0;
    std::uint64_t udp_datagrams = 0;
};

// A reply that repeats the request's type and id, as every reply must.
Reply reply_to(const Request& request);

class Dispatcher {
public:
    Dispatcher(ProtocolConfig config, const Clock& clock, Lifecycle& lifecycle);

    // Cluster mode: chat requests go to `backend` instead of the registry.
    void use_backend(std::unique_ptr<ChatBackend> backend);

    // The reply, or nothing when the backend answers later (Client::complete).
    // Strings of `request` may be moved into the reply, and a text-mode
    // request without a room gets the current one filled in.
    std::optional<Reply> execute(Client& client, Request& request);

    // Admin request or signal: everyone gets the shutdown event, then no
    // other event is delivered and no further frame is executed.
    void begin_shutdown(ShutdownReason reason);
    bool draining() const { return draining_; }

    ChatBackend& backend() { return *backend_; }
    RoomRegistry& registry() { return registry_; }
    Counters& counters() { return counters_; }
    const ProtocolConfig& config() const { return config_; }
    const Clock& clock() const { return clock_; }

private:
    OkPayload stats() const;
    bool token_matches(std::string_view token) const;

    ProtocolConfig config_;
    const Clock& clock_;
    Lifecycle& lifecycle_;
    RoomRegistry registry_;
    std::unique_ptr<ChatBackend> backend_;
    Counters counters_;
    std::int64_t started_ms_;
    bool draining_ = false;
};

}  // namespace parley
