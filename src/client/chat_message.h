#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace parley::client {

// One room message as the server reports it, both in `message` events and in
// the `messages` array of a `history` reply.
struct ChatMessage {
    std::string room;
    std::string from;
    std::string text;
    std::int64_t seq = 0;
    std::int64_t ts = 0;  // Unix time in milliseconds

    // Returns nothing when a field is missing or has the wrong type, so a
    // malformed frame is skipped instead of tearing the client down.
    static std::optional<ChatMessage> from_json(const nlohmann::json& j);
    nlohmann::json to_json() const;
};

}  // namespace parley::client
