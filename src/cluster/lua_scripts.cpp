#include "lua_scripts.hpp"

#include <hiredis/hiredis.h>
#include <memory>

#include "keys.hpp"
#include "redis_connection.hpp"

namespace parley::cluster {

namespace {

// Helpers shared by the scripts. Nick folding matches names::nick_key: ASCII
// letters only, whatever the locale Redis runs in.
constexpr const char* kShared = R"lua(
local function fold(s)
  return (string.gsub(s, '[A-Z]', function(c) return string.char(string.byte(c) + 32) end))
end
local function node_of(member) return string.match(member, '^(.*)/[^/]*$') end
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function add_to_room(member, nick, room, op)
  redis.call('HSET', k_members(room), member, nick)
  redis.call('SADD', k_mrooms(member), room)
  redis.call('HINCRBY', K_ROOMS, room, 1)
  redis.call('PERSIST', k_hist(room))
  redis.call('PUBLISH', ch_room(room), cjson.encode({t = 'j', r = room, n = nick, s = member, o = op}))
end
local function remove_from_room(member, room, reason, op, retention)
  local nick = redis.call('HGET', k_members(room), member)
  if not nick then return false end
  redis.call('HDEL', k_members(room), member)
  redis.call('SREM', k_mrooms(member), room)
  if redis.call('HINCRBY', K_ROOMS, room, -1) <= 0 then
    redis.call('HDEL', K_ROOMS, room)
    redis.call('EXPIRE', k_hist(room), retention)
  end
  redis.call('PUBLISH', ch_room(room),
    cjson.encode({t = 'l', r = room, n = nick, why = reason, s = member, o = op}))
  return true
end
local function drop_member(member, reason, retention)
  for _, room in ipairs(redis.call('SMEMBERS', k_mrooms(member))) do
    remove_from_room(member, room, reason, 0, retention)
  end
  redis.call('DEL', k_mrooms(member))
  local node = node_of(member)
  local nick = redis.call('HGET', k_node(node), member)
  if nick then
    local nk = k_nick(fold(nick))
    if redis.call('GET', nk) == member then redis.call('DEL', nk) end
    redis.call('HDEL', k_node(node), member)
  end
end
local function reap(node, retention)
  for _, member in ipairs(redis.call('HKEYS', k_node(node))) do
    drop_member(member, 'disconnect', retention)
  end
  redis.call('DEL', k_node(node))
  redis.call('SREM', K_NODES, node)
end
local function claim_guest(member, ttl)
  for _ = 1, 1000 do
    local nick = 'guest' .. redis.call('INCR', K_GUEST)
    if redis.call('SET', k_nick(nick), member, 'NX', 'EX', ttl) then return nick end
  end
  return nil
end
)lua";

constexpr const char* kBodies[kScriptCount] = {
    // attach
    R"lua(
local member, ttl = ARGV[1], ARGV[2]
local nick = claim_guest(member, ttl)
if not nick then return {'full'} end
redis.call('HSET', k_node(node_of(member)), member, nick)
return {'ok', nick}
)lua",
    // detach
    R"lua(
drop_member(ARGV[1], ARGV[2], ARGV[3])
return {'ok'}
)lua",
    // join
    R"lua(
local room, member, nick, op = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
if redis.call('HEXISTS', k_node(node_of(member)), member) == 0 then return {'gone'} end
local seq = tonumber(redis.call('GET', k_seq(room)) or '0')
local added = 0
if redis.call('HEXISTS', k_members(room), member) == 0 then
  add_to_room(member, nick, room, op)
  added = 1
end
return {'ok', added, seq, redis.call('HVALS', k_members(room))}
)lua",
    // leave
    R"lua(
if remove_from_room(ARGV[2], ARGV[1], 'leave', tonumber(ARGV[3]), ARGV[4]) then return {'ok'} end
return {'not_in_room'}
)lua",
    // say
    R"lua(
local room, member, nick, text, op, cap = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[6])
if redis.call('HEXISTS', k_members(room), member) == 0 then return {'not_in_room'} end
local seq = redis.call('INCR', k_seq(room))
local ts = now_ms()
local entry = cjson.encode({seq = seq, ts = ts, from = nick, text = text})
if cap > 0 then
  redis.call('RPUSH', k_hist(room), entry)
  redis.call('LTRIM', k_hist(room), -cap, -1)
else
  redis.call('DEL', k_hist(room))
end
redis.call('PUBLISH', ch_room(room), '{"t":"m","o":' .. op .. ',"s":' .. cjson.encode(member) ..
  ',"r":' .. cjson.encode(room) .. ',"e":' .. entry .. '}')
return {'ok', seq, ts}
)lua",
    // msg
    R"lua(
local member, from, to, text, op = ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
local target = redis.call('GET', k_nick(fold(to)))
if not target then return {'no_such_nick'} end
local node = node_of(target)
local nick = redis.call('HGET', k_node(node), target)
if not nick then return {'no_such_nick'} end
if text == '' then return {'empty'} end
local ts = now_ms()
local heard = redis.call('PUBLISH', ch_node(node),
  cjson.encode({t = 'p', to = target, tn = nick, from = from, text = text, ts = ts, s = member, o = op}))
-- Nobody listens on the node's channel: the node is gone, the nick soon free.
if heard == 0 then return {'no_such_nick'} end
return {'ok', nick, ts, node}
)lua",
    // nick
    R"lua(
local member, new, op, ttl = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
local node = node_of(member)
local old = redis.call('HGET', k_node(node), member)
if not old then return {'gone'} end
if old == new then return {'ok', 0} end
local nk = k_nick(fold(new))
local owner = redis.call('GET', nk)
if owner and owner ~= member then return {'taken'} end
local oldk = k_nick(fold(old))
if oldk ~= nk and redis.call('GET', oldk) == member then redis.call('DEL', oldk) end
redis.call('SET', nk, member, 'EX', ttl)
redis.call('HSET', k_node(node), member, new)
local rooms = redis.call('SMEMBERS', k_mrooms(member))
for _, room in ipairs(rooms) do redis.call('HSET', k_members(room), member, new) end
redis.call('PUBLISH', CH_CLUSTER, cjson.encode({t = 'n', old = old, nick = new, rooms = rooms, s = member, o = op}))
return {'ok', 1}
)lua",
    // history: the arithmetic of RoomRegistry::history, on a list whose
    // entries carry consecutive seqs ending at the room's seq.
    R"lua(
local room, since, limit = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local seq = tonumber(redis.call('GET', k_seq(room)) or '0')
local len = redis.call('LLEN', k_hist(room))
local first = seq + 1
if len > 0 then first = seq - len + 1 end
local b, e, truncated
if since then
  truncated = since + 1 < first
  local skip = 0
  if since >= first then skip = since - first + 1 end
  b = math.min(skip, len)
  e = math.min(b + limit, len)
else
  truncated = first > 1
  e = len
  b = e - math.min(limit, len)
end
local entries = {}
if e > b then entries = redis.call('LRANGE', k_hist(room), b, e - 1) end
return {'ok', seq, truncated and 1 or 0, entries}
)lua",
    // register_node: a starting node takes its id over; whatever a previous
    // process with that id left behind is cleaned up like a dead node's.
    R"lua(
local node, token, ttl, retention = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
reap(node, retention)
redis.call('SET', k_alive(node), token, 'PX', ttl)
redis.call('SADD', K_NODES, node)
return {'ok'}
)lua",
    // heartbeat: refreshes this node, reaps the nodes whose liveness key
    // expired (unless told not to yet), and reports the cluster's size.
    R"lua(
local node, token, ttl, retention, may_reap = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5] == '1'
local current = redis.call('GET', k_alive(node))
if current and current ~= token then return {'evicted', 0, 0, 0} end
local status = 'ok'
if redis.call('SISMEMBER', K_NODES, node) == 0 then status = 'reaped' end
redis.call('SET', k_alive(node), token, 'PX', ttl)
redis.call('SADD', K_NODES, node)
local nodes, connections = 0, 0
for _, n in ipairs(redis.call('SMEMBERS', K_NODES)) do
  if n ~= node and may_reap and redis.call('EXISTS', k_alive(n)) == 0 then
    reap(n, retention)
  else
    nodes = nodes + 1
    connections = connections + redis.call('HLEN', k_node(n))
  end
end
redis.call('PUBLISH', ch_node(node), '{"t":"t"}')
return {status, nodes, connections, redis.call('HLEN', K_ROOMS)}
)lua",
    // deregister
    R"lua(
local node, token, retention = ARGV[1], ARGV[2], ARGV[3]
if redis.call('GET', k_alive(node)) ~= token then return {'evicted'} end
reap(node, retention)
redis.call('DEL', k_alive(node))
return {'ok'}
)lua",
    // sync: members this node no longer has (they left while Redis was away)
    R"lua(
local node, retention = ARGV[1], ARGV[2]
local live = {}
for i = 3, #ARGV do live[ARGV[i]] = true end
local dropped = 0
for _, member in ipairs(redis.call('HKEYS', k_node(node))) do
  if not live[member] then
    drop_member(member, 'disconnect', retention)
    dropped = dropped + 1
  end
end
return dropped
)lua",
    // restore: makes Redis hold exactly what the node knows of one member
    R"lua(
local member, nick, ttl, retention = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local rooms = {}
for i = 5, #ARGV do rooms[#rooms + 1] = ARGV[i] end
local status, old = 'ok', nick
local owner = redis.call('GET', k_nick(fold(nick)))
if owner and owner ~= member then
  nick = claim_guest(member, ttl)
  if not nick then return {'full', old} end
  status = 'renamed'
else
  redis.call('SET', k_nick(fold(nick)), member, 'EX', ttl)
end
redis.call('HSET', k_node(node_of(member)), member, nick)
local wanted = {}
for _, room in ipairs(rooms) do wanted[room] = true end
for _, room in ipairs(redis.call('SMEMBERS', k_mrooms(member))) do
  if not wanted[room] then remove_from_room(member, room, 'disconnect', 0, retention) end
end
for _, room in ipairs(rooms) do
  if redis.call('HEXISTS', k_members(room), member) == 0 then
    add_to_room(member, nick, room, 0)
  else
    redis.call('HSET', k_members(room), member, nick)
  end
end
if status == 'renamed' then
  redis.call('PUBLISH', CH_CLUSTER, cjson.encode({t = 'n', old = old, nick = nick, rooms = rooms, s = member, o = 0}))
end
return {status, nick}
)lua",
    // refresh: keeps the node's nicks from expiring (and takes back one that
    // expired while nobody else claimed it)
    R"lua(
local node, ttl = ARGV[1], ARGV[2]
local flat = redis.call('HGETALL', k_node(node))
local n = 0
for i = 1, #flat, 2 do
  local member, key = flat[i], k_nick(fold(flat[i + 1]))
  local owner = redis.call('GET', key)
  if owner == member then
    redis.call('EXPIRE', key, ttl)
    n = n + 1
  elseif not owner then
    redis.call('SET', key, member, 'EX', ttl)
    n = n + 1
  end
end
return n
)lua",
};

}  // namespace

const std::string& Scripts::source(Script s) {
    static const std::array<std::string, kScriptCount> sources = [] {
        std::array<std::string, kScriptCount> out;
        for (std::size_t i = 0; i < kScriptCount; ++i) out[i] = keys::lua_prelude() + kShared + kBodies[i];
        return out;
    }();
    return sources[static_cast<std::size_t>(s)];
}

void Scripts::load(RedisConnection& conn, std::function<void(bool)> done) {
    auto remaining = std::make_shared<std::size_t>(kScriptCount);
    auto ok = std::make_shared<bool>(true);
    auto finish = std::make_shared<std::function<void(bool)>>(std::move(done));
    for (std::size_t i = 0; i < kScriptCount; ++i) {
        bool sent = conn.command({"SCRIPT", "LOAD", source(static_cast<Script>(i))},
                                 [this, i, remaining, ok, finish](redisReply* r) {
                                     if (r != nullptr && r->type == REDIS_REPLY_STRING) sha_[i].assign(r->str, r->len);
                                     else *ok = false;
                                     if (--*remaining == 0) {
                                         loaded_ = loaded_ || *ok;
                                         if (*finish) (*finish)(*ok);
                                     }
                                 });
        if (!sent) {
            *ok = false;
            if (--*remaining == 0 && *finish) (*finish)(false);
        }
    }
}

std::vector<std::string> Scripts::call(Script s, std::vector<std::string> args) const {
    std::vector<std::string> cmd;
    cmd.reserve(args.size() + 3);
    cmd.emplace_back("EVALSHA");
    cmd.push_back(sha_[static_cast<std::size_t>(s)]);
    cmd.emplace_back("0");
    for (auto& a : args) cmd.push_back(std::move(a));
    return cmd;
}

}  // namespace parley::cluster
