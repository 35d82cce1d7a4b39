#include "keys.hpp"

namespace parley::cluster::keys {

namespace {
constexpr std::string_view kPrefix = "parley:";
constexpr std::string_view kSeq = "seq:";
constexpr std::string_view kHist = "hist:";
constexpr std::string_view kMembers = "members:";
constexpr std::string_view kRooms = "rooms";
constexpr std::string_view kMemberRooms = "mrooms:";
constexpr std::string_view kNick = "nick:";
constexpr std::string_view kGuest = "guest";
constexpr std::string_view kNode = "node:";
constexpr std::string_view kAlive = "alive:";
constexpr std::string_view kNodes = "nodes";
constexpr std::string_view kRoomChannel = "ch:room:";
constexpr std::string_view kNodeChannel = "ch:node:";
constexpr std::string_view kClusterChannel = "ch:cluster";

std::string join(std::string_view a, std::string_view b = {}) {
    std::string s;
    s.reserve(kPrefix.size() + a.size() + b.size());
    s.append(kPrefix).append(a).append(b);
    return s;
}

std::string lua_key_fn(std::string_view fn, std::string_view part) {
    return "local function " + std::string(fn) + "(x) return '" + join(part) + "' .. x end\n";
}

std::string lua_const(std::string_view name, std::string_view part) {
    return "local " + std::string(name) + " = '" + join(part) + "'\n";
}
}  // namespace

std::string room_channel(std::string_view room) { return join(kRoomChannel, room); }
std::string node_channel(std::string_view node) { return join(kNodeChannel, node); }
std::string cluster_channel() { return join(kClusterChannel); }

std::string_view room_of_channel(std::string_view channel) {
    std::string prefix = join(kRoomChannel);
    if (!channel.starts_with(prefix)) return {};
    return channel.substr(prefix.size());
}

std::string members(std::string_view room) { return join(kMembers, room); }
std::string rooms() { return join(kRooms); }

const std::string& lua_prelude() {
    static const std::string prelude = [] {
        std::string s;
        s += lua_key_fn("k_seq", kSeq);
        s += lua_key_fn("k_hist", kHist);
        s += lua_key_fn("k_members", kMembers);
        s += lua_key_fn("k_mrooms", kMemberRooms);
        s += lua_key_fn("k_nick", kNick);
        s += lua_key_fn("k_node", kNode);
        s += lua_key_fn("k_alive", kAlive);
        s += lua_key_fn("ch_room", kRoomChannel);
        s += lua_key_fn("ch_node", kNodeChannel);
        s += lua_const("K_ROOMS", kRooms);
        s += lua_const("K_GUEST", kGuest);
        s += lua_const("K_NODES", kNodes);
        s += lua_const("CH_CLUSTER", kClusterChannel);
        return s;
    }();
    return prelude;
}

}  // namespace parley::cluster::keys
