#pragma once
// The server-side scripts. Each one is a single atomic step on Redis: seq,
// history and the event that announces it change together or not at all,
// and every PUBLISH happens in the order the scripts ran, which is the one
// order every node sees. Scripts compute the keys they touch (keys.hpp), so
// Parley needs one Redis server (with replicas if wanted), not Redis Cluster.
#include <array>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace parley::cluster {

class RedisConnection;

enum class Script : std::size_t {
    attach,      // member ttl -> {'ok', guest nick}
    detach,      // member reason retention
    join,        // room member nick op -> {'ok', added, seq, {nicks}} | {'gone'}
    leave,       // room member op retention -> {'ok'} | {'not_in_room'}
    say,         // room member nick text op cap -> {'ok', seq, ts} | {'not_in_room'}
    msg,         // member from tonick text op -> {'ok', nick, ts, node} | {'no_such_nick'} | {'empty'}
    nick,        // member nick op ttl -> {'ok', changed} | {'taken'} | {'gone'}
    history,     // room since limit -> {'ok', seq, truncated, {entries}}
    register_node,  // node token ttl_ms retention
    heartbeat,   // node token ttl_ms retention may_reap -> {status, nodes, connections, rooms}
    deregister,  // node token retention
    sync,        // node retention member... -> members dropped
    restore,     // member nick ttl retention room... -> {'ok'|'renamed', nick}
    refresh,     // node ttl -> nicks refreshed
    count_
};

constexpr std::size_t kScriptCount = static_cast<std::size_t>(Script::count_);

class Scripts {
public:
    // SCRIPT LOAD of every script, first on each connection: a restarted
    // Redis has forgotten them, and commands on one connection run in order,
    // so nothing sent after this can find a script missing. `done` gets true
    // once every SHA is known.
    void load(RedisConnection& conn, std::function<void(bool)> done);
    bool loaded() const { return loaded_; }

    // EVALSHA sha 0 args...
    std::vector<std::string> call(Script s, std::vector<std::string> args) const;

    static const std::string& source(Script s);

private:
    std::array<std::string, kScriptCount> sha_;
    bool loaded_ = false;
};

}  // namespace parley::cluster
