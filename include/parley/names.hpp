#pragma once
// Rules for nicks and room names (PROTOCOL.md, "Names and rooms").
#include <string>
#include <string_view>

namespace parley::names {

constexpr std::size_t kMaxNickLength = 32;  // code points
constexpr std::size_t kMaxRoomLength = 64;  // code points

// Both take valid UTF-8 (frames are checked before decoding).
bool valid_nick(std::string_view nick);
bool valid_room(std::string_view room);

// The key under which a nick is unique: ASCII letters folded to lower case.
std::string nick_key(std::string_view nick);

}  // namespace parley::names
