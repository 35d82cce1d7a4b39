#pragma once
// A parleyd node of a cluster: the chat state lives in Redis, this node keeps
// only its own connections (LocalIndex) and relays events from Redis pub/sub
// to them. See docs/CLUSTER.md for the design and its guarantees.
//
// Ordering. Every change is one script on Redis, and the event announcing it
// is published inside that script, so the order of messages on this node's
// subscription is the one order of the cluster. A request's reply comes back
// on the command connection, which can overtake or trail that stream; the
// node therefore completes a request that published an event only once it
// has both the reply and its own event (the "marker"), and it holds events
// that follow the marker until the reply is out. A client thus sees its
// reply at the same place in the stream as every other member sees the event.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <spdlog/logger.h>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "cluster_backend.hpp"
#include "local_index.hpp"
#include "lua_scripts.hpp"
#include "redis_connection.hpp"
#include "subscriptions.hpp"
#include "uv_timer.hpp"
#include "wire_format.hpp"

namespace parley::cluster {

// Timing of liveness and nick claims (docs/CLUSTER.md, "How it fails").
struct ClusterTiming {
    std::int64_t tick_ms = 1000;           // heartbeat period
    std::int64_t alive_ttl_ms = 5000;      // a node silent this long is reaped
    std::int64_t nick_ttl_s = 30;          // nick claims expire unless refreshed
    int refresh_every_ticks = 10;          // nick refresh period, in ticks
    std::int64_t reply_timeout_ms = 10000; // Redis silent this long: reconnect
    std::int64_t sub_silence_ms = 3500;    // no tick echoed on the subscription: resubscribe
    std::int64_t marker_timeout_ms = 5000; // stop waiting for a request's own event
    std::int64_t start_timeout_ms = 5000;  // first connection at start-up
    std::int64_t retention_s = 300;        // history of an empty room (PROTOCOL.md: 5 min)
};

class NodeBackend final : public ClusterBackend {
public:
    NodeBackend(uv_loop_t* loop, spdlog::logger& log, const Clock& clock, ClusterOptions options);
    ~NodeBackend() override;

    std::string start() override;
    void stop() override;

    bool attach(Client& client) override;
    void detach(Client& client, LeaveReason reason) override;
    std::optional<Reply> execute(Client& client, const Request& request) override;
    std::optional<std::string> current_room(const Client& client) const override;
    void broadcast(const OutgoingEvent& event) override;
    void fill_stats(ServerStats& stats) const override;
    void housekeeping() override;

private:
    using Outcome = std::variant<OkPayload, Failure>;

    // A request waiting for Redis; found again by number, never by pointer.
    struct PendingOp {
        std::uint64_t client_id = 0;
        Request request;
        std::optional<Outcome> outcome;
        bool expect_marker = false;
        bool marker_seen = false;
        bool gave_up = false;             // the marker is late: reply without it
        std::uint64_t sub_generation = 0;  // markers arrive on this subscription only
        std::int64_t started_ms = 0;
        std::string pinned_room;          // kept subscribed until completion
        // Local effects: at the request's place in the event order (or at
        // completion when no marker can come), and at completion.
        std::function<void(LocalClient&)> at_marker;
        std::function<void(LocalClient&)> at_completion;
    };
    using Parse = std::function<void(struct redisReply*, PendingOp&)>;
    // The command of a request, given the request's number.
    using Command = std::function<std::vector<std::string>(std::uint64_t op)>;

    // node_requests.cpp
    std::optional<Reply> do_nick(LocalClient& c, const Request& req);
    std::optional<Reply> do_join(LocalClient& c, const Request& req);
    std::optional<Reply> do_leave(LocalClient& c, const Request& req);
    std::optional<Reply> do_say(LocalClient& c, const Request& req);
    std::optional<Reply> do_msg(LocalClient& c, const Request& req);
    std::optional<Reply> do_who(LocalClient& c, const Request& req);
    std::optional<Reply> do_rooms(LocalClient& c, const Request& req);
    std::optional<Reply> do_history(LocalClient& c, const Request& req);
    std::uint64_t new_op(LocalClient& c, const Request& req);
    bool send_op(std::uint64_t op, std::vector<std::string> command, Parse parse);
    std::optional<Reply> start_op(LocalClient& c, const Request& req, const Command& command, Parse parse,
                                  std::function<void(LocalClient&)> at_marker = nullptr);
    void fail_op(std::uint64_t op, Failure failure);
    void settle(std::uint64_t op);
    void settle_all();
    void give_up_late_markers();

    // node_events.cpp
    void on_message(std::string_view channel, std::string_view payload);
    void route_room(const std::string& room, const WireEvent& ev);
    void route_private(const WireEvent& ev);
    void route_nick(const WireEvent& ev);
    std::uint64_t mark(const WireEvent& ev);
    void deliver(LocalClient& c, const std::shared_ptr<const OutgoingEvent>& event);

    // node_liveness.cpp
    void on_cmd_connected();
    void register_node();
    void on_cmd_lost(const std::string& why);
    void on_sub_connected();
    void on_sub_lost(const std::string& why);
    void tick();
    void heartbeat();
    void refresh_nicks();
    void resync();
    void restore(LocalClient& c);
    void name(std::uint64_t id);
    void update_availability();
    bool healthy() const;
    bool reads_possible() const { return cmd_.ready() && registered_ && !evicted_ && !stopping_; }

    uv_loop_t* loop_;
    spdlog::logger& log_;
    const Clock& clock_;
    ClusterOptions options_;
    ClusterTiming timing_;
    std::string token_;         // this process's incarnation of the node id
    std::string node_channel_;
    std::string cluster_channel_;
    std::string retention_;     // timing_.retention_s as an argument

    LocalIndex index_;
    Scripts scripts_;
    RedisConnection cmd_;
    RedisConnection sub_;
    Subscriptions subs_;
    std::unique_ptr<Timer> tick_;
    std::unique_ptr<Timer> stop_timer_;

    std::unordered_map<std::uint64_t, PendingOp> ops_;
    std::uint64_t next_op_ = 1;
    std::vector<std::uint64_t> unnamed_;  // waiting for Redis to give a guest name

    bool registered_ = false;  // register_node done (start-up)
    bool resynced_ = false;    // this command connection told Redis what the node holds
    bool available_ = false;
    bool evicted_ = false;     // another process took this node id over
    bool stopping_ = false;
    std::string start_error_;
    std::string last_loss_;
    std::int64_t last_sub_traffic_ms_ = 0;
    std::int64_t last_heartbeat_ms_ = 0;
    std::int64_t reap_after_ms_ = 0;  // no reaping before (grace after an outage)
    unsigned ticks_ = 0;
    ClusterStats cluster_;
};

}  // namespace parley::cluster
