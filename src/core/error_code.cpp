#include "parley/error_code.hpp"

namespace parley {

std::string_view to_string(ErrorCode code) {
    switch (code) {
        case ErrorCode::bad_json: return "bad_json";
        case ErrorCode::bad_request: return "bad_request";
        case ErrorCode::unknown_type: return "unknown_type";
        case ErrorCode::invalid_nick: return "invalid_nick";
        case ErrorCode::nick_taken: return "nick_taken";
        case ErrorCode::invalid_room: return "invalid_room";
        case ErrorCode::too_many_rooms: return "too_many_rooms";
        case ErrorCode::not_in_room: return "not_in_room";
        case ErrorCode::no_such_nick: return "no_such_nick";
        case ErrorCode::forbidden: return "forbidden";
        case ErrorCode::frame_too_large: return "frame_too_large";
        case ErrorCode::rate_limited: return "rate_limited";
        case ErrorCode::server_full: return "server_full";
        case ErrorCode::slow_consumer: return "slow_consumer";
        case ErrorCode::unavailable: return "unavailable";
    }
    return "internal";
}

}  // namespace parley
