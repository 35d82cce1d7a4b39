// Keeping the node alive in the cluster and the cluster alive in the node:
// connection (re)establishment, the heartbeat that also reaps dead nodes,
// nick refreshes, the resync after an outage, and telling clients when the
// store is lost.
#include "keys.hpp"
#include "node_backend.hpp"
#include "parley/client.hpp"
#include "redis_reply.hpp"

namespace parley::cluster {

namespace {
std::int64_t now_ms(uv_loop_t* loop) { return static_cast<std::int64_t>(uv_now(loop)); }
}  // namespace

bool NodeBackend::healthy() const {
    return cmd_.ready() && registered_ && resynced_ && subs_.confirmed(node_channel_) &&
           subs_.confirmed(cluster_channel_) && !evicted_ && !stopping_;
}

void NodeBackend::on_cmd_connected() {
    if (stopping_) return;
    bool starting = !registered_;
    // Runs before anything else sent on this connection.
    scripts_.load(cmd_, [this, starting](bool ok) {
        if (stopping_) return;
        if (!ok) {
            log_.error("redis: cannot load the Lua scripts");
            if (!registered_ && start_error_.empty()) start_error_ = "cannot load the Lua scripts into redis";
            return;
        }
        if (starting && !registered_) register_node();
    });
    if (starting) return;  // the SHAs are needed first
    // After an outage every node's liveness key may have expired: give the
    // others one liveness period to come back before reaping any of them.
    reap_after_ms_ = now_ms(loop_) + timing_.alive_ttl_ms;
    heartbeat();
    resync();
}

void NodeBackend::register_node() {
    // Takes the node id over: what a previous process with this id left
    // behind is cleaned up like a dead node's.
    std::vector<std::string> args{options_.node_id, token_, std::to_string(timing_.alive_ttl_ms), retention_};
    cmd_.command(scripts_.call(Script::register_node, std::move(args)), [this](redisReply* r) {
        if (stopping_) return;
        if (reply::status(r) != "ok") {
            if (start_error_.empty())
                start_error_ = r ? "node registration failed: " + std::string(reply::error_text(r))
                                 : "connection lost during registration";
            return;
        }
        registered_ = true;
        resynced_ = true;
        last_heartbeat_ms_ = now_ms(loop_);
        heartbeat();  // reaps nodes that died while none was running, fills stats
        update_availability();
    });
}

void NodeBackend::on_cmd_lost(const std::string& why) {
    resynced_ = false;
    last_loss_ = why;
    update_availability();
}

void NodeBackend::on_sub_connected() {
    if (stopping_) return;
    last_sub_traffic_ms_ = now_ms(loop_);
    subs_.connected();
    for (const auto* ch : {&node_channel_, &cluster_channel_})
        subs_.want(*ch, [this](bool) { update_availability(); });
}

void NodeBackend::on_sub_lost(const std::string& why) {
    last_loss_ = why;
    subs_.lost();
    // Events published meanwhile are lost to this node: replies waiting for
    // their own event go now, and clients are told below.
    settle_all();
    update_availability();
}

void NodeBackend::update_availability() {
    bool now = healthy();
    if (now == available_) return;
    available_ = now;
    if (now) {
        log_.info("cluster store reachable; node {} serving", options_.node_id);
        index_.for_each([](LocalClient& c) { c.told_unavailable = false; });
        std::vector<std::uint64_t> waiting;
        waiting.swap(unnamed_);
        for (auto id : waiting) name(id);
        return;
    }
    if (stopping_ || !registered_) return;
    log_.warn("cluster store lost ({}): requests fail with unavailable until it is back", last_loss_);
    std::string text = "lost the cluster store (" + last_loss_ +
                       "): requests fail with unavailable until it is back; events may have been missed, "
                       "catch up with history since";
    for (auto id : index_.ids()) {
        LocalClient* c = index_.find(id);
        if (c == nullptr || c->told_unavailable) continue;
        c->told_unavailable = true;
        c->client->send_notice(ErrorCode::unavailable, text);
    }
}

void NodeBackend::name(std::uint64_t id) {
    LocalClient* c = index_.find(id);
    if (c == nullptr || stopping_) return;
    if (!available_) {
        unnamed_.push_back(id);
        return;
    }
    std::vector<std::string> args{c->member, std::to_string(timing_.nick_ttl_s)};
    bool sent = cmd_.command(scripts_.call(Script::attach, std::move(args)), [this, id](redisReply* r) {
        if (stopping_) return;
        LocalClient* c = index_.find(id);
        if (c == nullptr || c->named()) return;  // closed before it had a name, or named twice
        auto nick = reply::text(reply::at(r, 1));
        if (reply::status(r) != "ok" || !nick) {
            if (r != nullptr) log_.warn("redis gave no guest name: {}", reply::error_text(r));
            unnamed_.push_back(id);  // the next tick tries again
            return;
        }
        c->nick = std::string(*nick);
        set_name(*c->client, c->nick);
        if (c->needs_restore) restore(*c);
        c->client->resume();
    });
    if (!sent) unnamed_.push_back(id);
}

void NodeBackend::tick() {
    if (stopping_) return;
    auto now = now_ms(loop_);
    if (cmd_.ready() && registered_) {
        if (cmd_.oldest_wait_ms() > timing_.reply_timeout_ms) {
            cmd_.drop("no answer for " + std::to_string(timing_.reply_timeout_ms) + " ms");
        } else {
            heartbeat();
            if (++ticks_ % static_cast<unsigned>(timing_.refresh_every_ticks) == 0) refresh_nicks();
        }
    }
    // The heartbeat publishes a tick on this node's channel: a subscription
    // that stops hearing it while the heartbeats succeed is dead.
    if (sub_.ready() && subs_.confirmed(node_channel_) && now - last_heartbeat_ms_ < 2 * timing_.tick_ms &&
        now - last_sub_traffic_ms_ > timing_.sub_silence_ms) {
        sub_.drop("no traffic on the subscription for " + std::to_string(now - last_sub_traffic_ms_) + " ms");
    }
    if (available_ && !unnamed_.empty()) {
        std::vector<std::uint64_t> waiting;
        waiting.swap(unnamed_);
        for (auto id : waiting) name(id);
    } else if (!available_) {
        for (auto id : unnamed_) {
            LocalClient* c = index_.find(id);
            if (c == nullptr || c->told_unavailable) continue;
            c->told_unavailable = true;
            c->client->send_notice(ErrorCode::unavailable,
                                   "the cluster store (Redis) is unreachable: this connection waits for it");
        }
    }
}

void NodeBackend::heartbeat() {
    std::vector<std::string> args{options_.node_id, token_, std::to_string(timing_.alive_ttl_ms), retention_,
                                  now_ms(loop_) >= reap_after_ms_ ? "1" : "0"};
    cmd_.command(scripts_.call(Script::heartbeat, std::move(args)), [this](redisReply* r) {
        if (stopping_ || r == nullptr) return;
        if (reply::is_error(r)) {
            log_.warn("redis heartbeat failed: {}", reply::error_text(r));
            if (reply::error_text(r).starts_with("NOSCRIPT")) scripts_.load(cmd_, [](bool) {});
            return;
        }
        auto status = reply::status(r);
        last_heartbeat_ms_ = now_ms(loop_);
        cluster_.nodes = static_cast<std::uint64_t>(reply::integer(reply::at(r, 1)).value_or(0));
        cluster_.connections = static_cast<std::uint64_t>(reply::integer(reply::at(r, 2)).value_or(0));
        cluster_.rooms = static_cast<std::uint64_t>(reply::integer(reply::at(r, 3)).value_or(0));
        if (status == "evicted") {
            if (evicted_) return;
            evicted_ = true;
            last_loss_ = "another process registered node id " + options_.node_id;
            log_.error("{}: this node stops serving; give every node its own --node-id", last_loss_);
            update_availability();
        } else if (status == "reaped") {
            log_.warn("this node was declared dead (no heartbeat for {} ms): restoring its members",
                      timing_.alive_ttl_ms);
            resync();
        }
    });
}

void NodeBackend::refresh_nicks() {
    cmd_.command(scripts_.call(Script::refresh, {options_.node_id, std::to_string(timing_.nick_ttl_s)}),
                 [this](redisReply* r) {
                     if (reply::is_error(r)) log_.warn("redis nick refresh failed: {}", reply::error_text(r));
                 });
}

void NodeBackend::restore(LocalClient& c) {
    c.needs_restore = false;
    std::vector<std::string> args{c.member, c.nick, std::to_string(timing_.nick_ttl_s), retention_};
    args.insert(args.end(), c.rooms.begin(), c.rooms.end());
    cmd_.command(scripts_.call(Script::restore, std::move(args)), [this, id = c.id, old = c.nick](redisReply* r) {
        if (stopping_ || reply::status(r) != "renamed") return;
        LocalClient* lc = index_.find(id);
        auto nick = reply::text(reply::at(r, 1));
        if (lc == nullptr || !nick) return;
        // Someone else took the nick while this node was cut off.
        log_.warn("resync: {} lost the nick {} and is now {}", lc->member, old, *nick);
        lc->nick = std::string(*nick);
        set_name(*lc->client, lc->nick);
        deliver(*lc, std::make_shared<const OutgoingEvent>(ev::NickChanged{old, lc->nick}));
    });
}

void NodeBackend::resync() {
    if (!cmd_.ready() || stopping_ || evicted_) return;
    // First what left while Redis was away, then each member as this node
    // knows it; commands run in order, so requests sent after see the result.
    std::vector<std::string> live{options_.node_id, retention_};
    // Unnamed members count too: their guest name may be on its way.
    index_.for_each([&](LocalClient& c) { live.push_back(c.member); });
    cmd_.command(scripts_.call(Script::sync, std::move(live)), [this](redisReply* r) {
        if (auto n = reply::integer(r); n && *n > 0) log_.info("resync: {} members that left meanwhile removed", *n);
    });
    index_.for_each([&](LocalClient& c) {
        // A request in flight may change the member's rooms, a guest name in
        // flight its nick: restore it once that is settled.
        if (!c.named() || c.pending_op != 0) c.needs_restore = true;
        else restore(c);
    });
    resynced_ = true;
    update_availability();
}

}  // namespace parley::cluster
