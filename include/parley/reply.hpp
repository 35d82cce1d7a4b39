#pragma once
// The outcome of one request, before it is encoded for the client's mode.
#include <cstdint>
#include <string>
#include <optional>
#include <variant>
#include <vector>

#include "parley/error_code.hpp"
#include "parley/request.hpp"

namespace parley {

struct StoredMessage {
    std::string from;
    std::string text;
    std::uint64_t seq = 0;
    std::int64_t ts = 0;
};

struct RoomSummary {
    std::string name;
    std::size_t members = 0;
};

// What a node of a cluster knows of the whole (cluster mode only).
struct ClusterStats {
    std::string node;
    std::uint64_t nodes = 0;
    std::uint64_t connections = 0;
    std::uint64_t rooms = 0;
};

struct ServerStats {
    std::uint64_t connections = 0;
    std::uint64_t rooms = 0;
    std::int64_t uptime_s = 0;
    std::uint64_t frames_in = 0;
    std::uint64_t frames_out = 0;
    std::uint64_t bytes_in = 0;
    std::uint64_t bytes_out = 0;
    std::uint64_t udp_datagrams = 0;
    std::optional<ClusterStats> cluster;
};

namespace ok {
struct Hello { std::string nick; };
struct Nick { std::string nick; };
struct Join { std::string room; std::vector<std::string> members; std::uint64_t seq = 0; };
struct Leave { std::string room; };
struct Say { std::string room; std::uint64_t seq = 0; std::int64_t ts = 0; };
struct Msg { std::string to; std::int64_t ts = 0; };
struct Who { std::string room; std::vector<std::string> members; };
struct Rooms { std::vector<RoomSummary> rooms; };
struct History {
    std::string room;
    std::vector<StoredMessage> messages;
    std::uint64_t seq = 0;
    bool truncated = false;
};
struct Echo { std::string text; };
struct Ping { std::int64_t ts = 0; };
struct Stats { ServerStats stats; };
struct Empty {};  // quit, shutdown, help
}  // namespace ok

using OkPayload = std::variant<ok::Empty, ok::Hello, ok::Nick, ok::Join, ok::Leave, ok::Say,
                               ok::Msg, ok::Who, ok::Rooms, ok::History, ok::Echo, ok::Ping,
                               ok::Stats>;

struct Reply {
    // Absent when the request's type could not be read.
    std::optional<RequestType> for_type;
    // Text of an unknown or unreadable `type`, echoed in `for` all the same.
    std::string for_name;
    RequestId id;
    std::variant<OkPayload, Failure> outcome;
    // Text mode: a successful plain line gets no reply at all.
    bool silent_in_text = false;

    bool ok() const { return outcome.index() == 0; }
    const Failure& failure() const { return std::get<Failure>(outcome); }
};

}  // namespace parley
