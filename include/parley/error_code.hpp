#pragma once
// Every error code of PROTOCOL.md, plus the text that explains it to a person.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace parley {

enum class ErrorCode : std::uint8_t {
    bad_json,
    bad_request,
    unknown_type,
    invalid_nick,
    nick_taken,
    invalid_room,
    too_many_rooms,
    not_in_room,
    no_such_nick,
    forbidden,
    frame_too_large,
    rate_limited,
    server_full,
    slow_consumer,
    unavailable,  // cluster mode: the shared store (Redis) cannot be reached
};

std::string_view to_string(ErrorCode code);

// A request that could not be carried out: the code a program checks, the
// message a person reads.
struct Failure {
    ErrorCode code;
    std::string message;
    std::optional<std::int64_t> retry_after_ms{};  // only for rate_limited
};

}  // namespace parley
