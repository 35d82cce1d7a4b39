#pragma once
// One asynchronous connection to Redis on the server's loop (hiredis and its
// libuv adapter), that reconnects by itself with exponential backoff until it
// is closed. Commands are only accepted while connected: callers learn at
// once that Redis is unreachable instead of queueing behind an outage.
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <random>
#include <spdlog/logger.h>
#include <string>
#include <string_view>
#include <vector>

#include "uv_timer.hpp"

struct redisAsyncContext;
struct redisReply;

namespace parley::cluster {

struct RedisEndpoint {
    std::string host;
    std::uint16_t port = 6379;
};

class RedisConnection {
public:
    // The reply, or nullptr when the connection was lost before it came.
    using Callback = std::function<void(redisReply*)>;

    struct Hooks {
        std::function<void()> connected;                  // ready for commands
        std::function<void(const std::string&)> lost;     // was connected, is not
        std::function<void(redisReply*)> pushed;          // pub/sub traffic
        std::function<void(const std::string&)> failed;   // a connection attempt failed
        std::function<void()> closed;                     // close() has completed
    };

    RedisConnection(uv_loop_t* loop, spdlog::logger& log, std::string name, RedisEndpoint endpoint, Hooks hooks);
    ~RedisConnection();
    RedisConnection(const RedisConnection&) = delete;
    RedisConnection& operator=(const RedisConnection&) = delete;

    // Connects now, and again after every loss until close().
    void open();
    // Graceful: after the replies still owed; otherwise at once (pending
    // callbacks get nullptr). Either way no reconnection follows.
    void close(bool graceful);

    bool ready() const { return connected_; }
    // Counts connections made, so that a reply or message can be tied to the
    // connection it came on.
    std::uint64_t generation() const { return generation_; }

    // False (and `cb` dropped) when not connected.
    bool command(const std::vector<std::string>& args, Callback cb);
    // SUBSCRIBE or UNSUBSCRIBE; the confirmations arrive through Hooks::pushed.
    bool subscribe(const std::string& channel, bool on);

    // Milliseconds the oldest unanswered command has waited (0 if none).
    std::int64_t oldest_wait_ms() const;
    // Drops a connection that stopped answering; reconnects after backoff.
    void drop(const std::string& why);

private:
    static void on_connect(const redisAsyncContext* ac, int status);
    static void on_disconnect(const redisAsyncContext* ac, int status);
    static void on_reply(redisAsyncContext* ac, void* reply, void* privdata);
    static void on_push(redisAsyncContext* ac, void* reply, void* privdata);

    void attempt();
    void schedule_retry();
    void gone(const std::string& why);

    uv_loop_t* loop_;
    spdlog::logger& log_;
    std::string name_;
    RedisEndpoint endpoint_;
    Hooks hooks_;
    redisAsyncContext* ac_ = nullptr;
    bool connected_ = false;
    bool closing_ = false;
    bool destroying_ = false;
    std::uint64_t generation_ = 0;
    unsigned failures_ = 0;  // consecutive failed attempts, for the backoff
    std::string drop_reason_;
    std::deque<std::int64_t> sent_ms_;  // send times of unanswered commands
    // Released by close(): no handle outlives the loop.
    std::unique_ptr<Timer> retry_;
    std::unique_ptr<Timer> connect_timer_;
    std::minstd_rand jitter_;
};

}  // namespace parley::cluster
