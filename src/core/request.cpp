#include "parley/request.hpp"

#include <array>
#include <utility>

namespace parley {

Request::Request() = default;

namespace {
constexpr std::array<std::pair<std::string_view, RequestType>, 15> kTypes{{
    {"hello", RequestType::hello}, {"nick", RequestType::nick},
    {"join", RequestType::join}, {"leave", RequestType::leave},
    {"say", RequestType::say}, {"msg", RequestType::msg},
    {"who", RequestType::who}, {"rooms", RequestType::rooms},
    {"history", RequestType::history}, {"echo", RequestType::echo},
    {"ping", RequestType::ping}, {"stats", RequestType::stats},
    {"quit", RequestType::quit}, {"shutdown", RequestType::shutdown},
    {"help", RequestType::help},
}};
}  // namespace

std::string_view to_string(RequestType type) {
    for (const auto& [name, t] : kTypes)
        if (t == type) return name;
    return "unknown";
}

std::optional<RequestType> request_type_from(std::string_view name) {
    for (const auto& [n, t] : kTypes)
        if (n == name) return t;
    return std::nullopt;
}

}  // namespace parley
