#pragma once
// Text mode, for people on netcat: slash commands in, one human line per reply
// or event out (PROTOCOL.md, "Two modes on one port").
#include <string>
#include <string_view>

#include "parley/event.hpp"
#include "parley/json_codec.hpp"
#include "parley/reply.hpp"

namespace parley::text_codec {

// Commands that take an optional ROOM leave `room` empty and set
// `room_defaulted`; the caller fills in the current room.
json_codec::Decoded decode(std::string_view frame);

// May be empty (a plain line said successfully) or several lines (history).
std::string encode(const Reply& reply);
std::string encode(const Event& event);
// The same, appended to `out`.
void encode_into(const Reply& reply, std::string& out);
// Bytes one message adds to a history reply (its line).
std::size_t history_entry_size(const std::string& room, const StoredMessage& message);

// User-supplied text made safe for a terminal, and reversible: C0, DEL, C1,
// U+2028/U+2029 become \xHH or \uHHHH and a backslash becomes \\.
void append_escaped(std::string& out, std::string_view valid_utf8);
std::string escaped(std::string_view valid_utf8);

std::string_view help_text();

}  // namespace parley::text_codec
