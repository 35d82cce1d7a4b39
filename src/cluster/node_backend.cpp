#include "node_backend.hpp"

#include <random>

#include "keys.hpp"
#include "parley/client.hpp"
#include "redis_reply.hpp"

namespace parley::cluster {

namespace {
std::string random_token() {
    std::random_device rd;
    static constexpr char hex[] = "0123456789abcdef";
    std::string s(32, '0');
    for (auto& ch : s) ch = hex[rd() & 15];
    return s;
}
}  // namespace

NodeBackend::NodeBackend(uv_loop_t* loop, spdlog::logger& log, const Clock& clock, ClusterOptions options)
    : loop_(loop),
      log_(log),
      clock_(clock),
      options_(std::move(options)),
      node_channel_(keys::node_channel(options_.node_id)),
      cluster_channel_(keys::cluster_channel()),
      index_(options_.node_id),
      cmd_(loop, log, "commands", {options_.redis_host, options_.redis_port},
           {.connected = [this] { on_cmd_connected(); },
            .lost = [this](const std::string& why) { on_cmd_lost(why); },
            .pushed = nullptr,
            .failed = [this](const std::string& why) { if (!registered_ && start_error_.empty()) start_error_ = why; },
            .closed = [this] { stop_timer_.reset(); }}),
      sub_(loop, log, "subscriptions", {options_.redis_host, options_.redis_port},
           {.connected = [this] { on_sub_connected(); },
            .lost = [this](const std::string& why) { on_sub_lost(why); },
            .pushed = [this](redisReply* r) { subs_.pushed(r); },
            .failed = [this](const std::string& why) { if (!registered_ && start_error_.empty()) start_error_ = why; },
            .closed = nullptr}),
      subs_(sub_, [this](std::string_view channel, std::string_view payload) { on_message(channel, payload); }) {
    timing_.retention_s = std::max<std::int64_t>(1, options_.limits.empty_room_retention_ms / 1000);
    retention_ = std::to_string(timing_.retention_s);
}

NodeBackend::~NodeBackend() { stopping_ = true; }

std::string NodeBackend::start() {
    token_ = random_token();
    cmd_.open();
    sub_.open();
    // The loop is not serving anyone yet: turn it here until this node is
    // registered and subscribed, so that the first client finds it ready.
    bool timed_out = false;
    {
        Timer deadline(loop_);
        deadline.start(static_cast<std::uint64_t>(timing_.start_timeout_ms), 0, [&timed_out] { timed_out = true; });
        while (!available_ && start_error_.empty() && !timed_out && !evicted_) uv_run(loop_, UV_RUN_ONCE);
    }
    if (available_) {
        tick_ = std::make_unique<Timer>(loop_);
        tick_->start(static_cast<std::uint64_t>(timing_.tick_ms), static_cast<std::uint64_t>(timing_.tick_ms),
                     [this] { tick(); });
        log_.info("cluster node {} registered (liveness {} ms, nick claims {} s)", options_.node_id,
                  timing_.alive_ttl_ms, timing_.nick_ttl_s);
        return {};
    }
    std::string why = !start_error_.empty() ? start_error_
                                            : "no answer within " + std::to_string(timing_.start_timeout_ms) + " ms";
    stopping_ = true;
    cmd_.close(false);
    sub_.close(false);
    return why;
}

void NodeBackend::stop() {
    if (stopping_) return;
    stopping_ = true;
    tick_.reset();
    ops_.clear();
    // The server closed every connection before this: what remains of this
    // node on Redis goes now, and the other nodes see `left` at once instead
    // of after the liveness timeout.
    bool sent = cmd_.ready() && registered_ &&
                cmd_.command(scripts_.call(Script::deregister, {options_.node_id, token_, retention_}),
                             [](redisReply*) {});
    if (sent) {
        stop_timer_ = std::make_unique<Timer>(loop_);
        stop_timer_->start(2000, 0, [this] {
            log_.warn("redis did not answer the deregistration within 2 s");
            cmd_.close(false);
        });
        cmd_.close(true);
    } else {
        cmd_.close(false);
    }
    sub_.close(false);
    log_.info("cluster node {} left the cluster", options_.node_id);
}

bool NodeBackend::attach(Client& client) {
    LocalClient& c = index_.add(client);
    if (stopping_) return false;
    name(c.id);
    return false;  // named when Redis answers: Client::resume()
}

void NodeBackend::detach(Client& client, LeaveReason reason) {
    LocalClient* c = index_.find(client);
    if (c == nullptr) return;
    std::string member = c->member;
    std::uint64_t id = c->id;
    std::erase(unnamed_, id);
    index_.remove(id);  // pending callbacks will not find it
    if (stopping_ || !cmd_.ready() || !registered_) return;  // resync drops it once Redis is back
    cmd_.command(scripts_.call(Script::detach, {member, std::string(to_string(reason)), retention_}),
                 [this, member](redisReply* r) {
                     if (reply::is_error(r)) log_.warn("redis: cannot remove {}: {}", member, reply::error_text(r));
                 });
}

std::optional<std::string> NodeBackend::current_room(const Client& client) const {
    auto* self = const_cast<NodeBackend*>(this);  // lookup only
    const LocalClient* c = self->index_.find(client);
    if (c == nullptr || c->rooms.empty()) return std::nullopt;
    return c->rooms.back();
}

void NodeBackend::broadcast(const OutgoingEvent& event) {
    for (auto id : index_.ids())
        if (LocalClient* c = index_.find(id)) c->client->deliver(event);
}

void NodeBackend::fill_stats(ServerStats& stats) const {
    stats.connections = index_.client_count();
    stats.rooms = index_.room_count();
    ClusterStats cs = cluster_;
    cs.node = options_.node_id;
    stats.cluster = cs;
}

void NodeBackend::housekeeping() {
    if (stopping_) return;
    for (const auto& room : index_.take_unneeded()) subs_.release(keys::room_channel(room));
    give_up_late_markers();
}

}  // namespace parley::cluster
