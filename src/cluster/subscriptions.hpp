#pragma once
// Which pub/sub channels this node listens to, kept in step with the server
// over a RedisConnection. A channel is subscribed while wanted; a request
// that needs one waits for Redis's confirmation, because anything published
// before it would never reach this node. hiredis 0.14 forgets a channel's
// callback when an UNSUBSCRIBE is confirmed, so a channel is never
// subscribed again before the previous UNSUBSCRIBE is confirmed.
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "redis_connection.hpp"

namespace parley::cluster {

class Subscriptions {
public:
    using MessageFn = std::function<void(std::string_view channel, std::string_view payload)>;
    // true: the channel is confirmed; false: the connection was lost first.
    using Waiter = std::function<void(bool)>;
    enum class Want { ready, pending, unavailable };

    Subscriptions(RedisConnection& conn, MessageFn on_message);

    // ready: confirmed already, `waiter` is not kept; pending: `waiter` runs
    // on confirmation or loss; unavailable: no connection, `waiter` dropped.
    Want want(const std::string& channel, Waiter waiter);
    // Not needed any more: unsubscribed (Redis stops sending it).
    void release(const std::string& channel);
    bool confirmed(const std::string& channel) const;

    // Hooks of the connection.
    void connected();
    void lost();
    void pushed(const struct redisReply* reply);

private:
    enum class State { none, subscribing, subscribed, unsubscribing };
    struct Channel {
        bool wanted = false;
        State state = State::none;
        std::vector<Waiter> waiters;
    };
    void send(const std::string& name, Channel& ch, bool on);

    RedisConnection& conn_;
    MessageFn on_message_;
    std::unordered_map<std::string, Channel> channels_;
};

}  // namespace parley::cluster
