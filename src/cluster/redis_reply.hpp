#pragma once
// Reading hiredis replies without trusting their shape: a script that
// returns something unexpected is an error, never a crash.
#include <cstdint>
#include <hiredis/hiredis.h>
#include <optional>
#include <string>
#include <string_view>

namespace parley::cluster::reply {

inline const redisReply* at(const redisReply* r, std::size_t i) {
    if (r == nullptr || r->type != REDIS_REPLY_ARRAY || i >= r->elements) return nullptr;
    return r->element[i];
}

inline std::optional<std::string_view> text(const redisReply* r) {
    if (r == nullptr || (r->type != REDIS_REPLY_STRING && r->type != REDIS_REPLY_STATUS)) return std::nullopt;
    return std::string_view(r->str, r->len);
}

inline std::optional<std::int64_t> integer(const redisReply* r) {
    if (r == nullptr || r->type != REDIS_REPLY_INTEGER) return std::nullopt;
    return static_cast<std::int64_t>(r->integer);
}

// The status word scripts return first ("ok", "taken", ...), else empty.
inline std::string_view status(const redisReply* r) { return text(at(r, 0)).value_or(std::string_view()); }

inline bool is_error(const redisReply* r) { return r != nullptr && r->type == REDIS_REPLY_ERROR; }

inline std::string_view error_text(const redisReply* r) {
    return is_error(r) ? std::string_view(r->str, r->len) : std::string_view();
}

}  // namespace parley::cluster::reply
