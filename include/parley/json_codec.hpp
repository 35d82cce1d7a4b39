#pragma once
// JSON mode: requests in, replies and events out (PROTOCOL.md, "JSON requests
// and replies" and "Events").
#include <string>
#include <string_view>
#include <variant>

#include "parley/event.hpp"
#include "parley/reply.hpp"
#include "parley/request.hpp"

namespace parley::json_codec {

// Either a request to execute or the error reply that the frame earns.
using Decoded = std::variant<Request, Reply>;

// Any bytes: simdjson checks UTF-8 as it parses, so invalid UTF-8 is bad_json.
Decoded decode(std::string_view frame);

std::string encode(const Reply& reply);
std::string encode(const Event& event);
// The same, appended to `out`.
void encode_into(const Reply& reply, std::string& out);
// Bytes one message adds to a history reply (its object and a comma).
std::size_t history_entry_size(const std::string& room, const StoredMessage& message);

}  // namespace parley::json_codec
