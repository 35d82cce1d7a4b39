#pragma once
// A decoded request, the same whichever mode (JSON or text) it came in.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace parley {

enum class RequestType : std::uint8_t {
    hello, nick, join, leave, say, msg, who, rooms, history,
    echo, ping, stats, quit, shutdown,
    help,  // text mode only
};

std::string_view to_string(RequestType type);
std::optional<RequestType> request_type_from(std::string_view name);

// The output mode of a connection: that of its most recent frame.
enum class Mode : std::uint8_t { json, text };

// `id` is echoed in the reply exactly as given: a string or an integer.
using RequestId = std::variant<std::monostate, std::string, std::int64_t>;

struct Request {
    // Defined out of line on purpose: a defaulted constructor would make
    // value-initialisation (as in a variant's in-place construction) clear
    // all of it byte by byte before the members' own initialisers run.
    Request();

    RequestType type = RequestType::ping;
    RequestId id;
    // Fields of the request; which ones are set depends on `type`.
    std::string nick;   // nick
    std::string room;   // join leave say who history
    std::string text;   // say msg echo
    std::string to;     // msg
    std::string token;  // shutdown
    std::optional<std::uint64_t> since;  // history
    std::optional<std::uint64_t> limit;  // history
    // Text mode: a plain line said to the current room (no reply on success),
    // and whether `room` was left out so the current room applies.
    bool plain_line = false;
    bool room_defaulted = false;
};

}  // namespace parley
