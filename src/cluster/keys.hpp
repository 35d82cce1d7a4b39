#pragma once
// Every Redis key and channel Parley uses, in one place for both sides: the
// C++ names below and the Lua functions of lua_prelude() are built from the
// same constants, so the node and its scripts cannot disagree.
//
//   parley:seq:<room>       string  last seq given in the room (never deleted)
//   parley:hist:<room>      list    last --history messages, JSON, oldest first
//   parley:members:<room>   hash    member id -> nick
//   parley:rooms            hash    room -> member count (rooms with members)
//   parley:mrooms:<member>  set     rooms of one member
//   parley:nick:<folded>    string  member id owning the nick, with an expiry
//   parley:guest            string  counter for guestN names
//   parley:node:<node>      hash    member id -> nick, the members of a node
//   parley:alive:<node>     string  the node's incarnation token, short expiry
//   parley:nodes            set     nodes that registered and were not reaped
//   parley:ch:room:<room>   channel joined/left/message events of the room
//   parley:ch:node:<node>   channel private messages for the node's members
//   parley:ch:cluster       channel nick changes
//
// A member id is "<node>/<n>" with n this node's number for the connection.
// Names come last in every key, so no room or nick can make two keys collide.
#include <string>
#include <string_view>

namespace parley::cluster::keys {

std::string room_channel(std::string_view room);
std::string node_channel(std::string_view node);
std::string cluster_channel();
// The room of a room channel, or empty if `channel` is not one.
std::string_view room_of_channel(std::string_view channel);

std::string members(std::string_view room);
std::string rooms();

// Lua definitions of the same names (k_seq(room), ch_room(room), ...) that
// every script starts with.
const std::string& lua_prelude();

}  // namespace parley::cluster::keys
