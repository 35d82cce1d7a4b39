#pragma once
// The limits and settings the protocol layer enforces, one place for all of
// them (Redis keeps its client limits together the same way).
#include <cstddef>
#include <cstdint>
#include <string>

#include "parley/room_registry.hpp"

namespace parley {

struct ProtocolConfig {
    std::size_t max_frame = 65536;     // --max-frame: longest line, without LF
    double rate = 200;                 // --rate: frames per second, 0 = off
    double burst = 400;                // --burst
    std::string admin_token;           // empty: shutdown is forbidden to all
    bool log_messages = false;         // --log-messages
    std::size_t max_reply = 4 << 20;   // history replies are cut to fit (half --max-output)
    RegistryLimits registry;           // --max-rooms-per-client, --history
};

}  // namespace parley
