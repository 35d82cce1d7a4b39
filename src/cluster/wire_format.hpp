#pragma once
// What the scripts publish and store, read back on the node. Payloads are
// JSON (made by Redis's cjson), so `redis-cli SUBSCRIBE` and `LRANGE` show
// them as they are.
//
//   room channel     {"t":"j","r":ROOM,"n":NICK,"s":MEMBER,"o":OP}
//                    {"t":"l","r":ROOM,"n":NICK,"why":REASON,"s":MEMBER,"o":OP}
//                    {"t":"m","r":ROOM,"s":MEMBER,"o":OP,"e":ENTRY}
//   node channel     {"t":"p","to":MEMBER,"tn":NICK,"from":NICK,"text":T,"ts":TS,"s":MEMBER,"o":OP}
//                    {"t":"t"}  (the node's own heartbeat tick)
//   cluster channel  {"t":"n","old":NICK,"nick":NICK,"rooms":[ROOM...],"s":MEMBER,"o":OP}
//   history entry    ENTRY = {"seq":N,"ts":TS,"from":NICK,"text":T}
//
// OP is the number the publishing node gave the request (0 when no request
// of a live client caused it), so that node recognises its own events.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parley/event.hpp"
#include "parley/reply.hpp"

namespace parley::cluster {

struct WireEvent {
    enum class Kind { joined, left, message, private_message, nick, tick } kind = Kind::tick;
    std::string member;  // who caused it
    std::uint64_t op = 0;
    std::string room;    // joined left message
    std::string nick;    // joined left (the member's nick); nick (the new one)
    std::string old_nick;
    LeaveReason reason = LeaveReason::leave;
    StoredMessage message;        // message (from text seq ts); private (from text ts)
    std::string to_member;        // private
    std::string to_nick;          // private
    std::vector<std::string> rooms;  // nick
};

std::optional<WireEvent> decode_event(std::string_view payload);
std::optional<StoredMessage> decode_entry(std::string_view entry);

}  // namespace parley::cluster
