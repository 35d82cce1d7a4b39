// Requests in flight on Redis: each is found again by its number, answered
// once Redis replied and (for requests that published an event) once this
// node saw that event on its subscription; see node_backend.hpp, "Ordering".
#include "node_backend.hpp"
#include "parley/client.hpp"
#include "parley/dispatcher.hpp"
#include "redis_reply.hpp"

namespace parley::cluster {

namespace {
Reply failed(const Request& req, ErrorCode code, std::string message) {
    Reply r = reply_to(req);
    r.outcome = Failure{code, std::move(message)};
    return r;
}

constexpr const char* kLostReply =
    "the cluster store (Redis) is unreachable; the request may or may not have taken effect: check with history";
constexpr const char* kDown = "the cluster store (Redis) is unreachable; try again shortly";
}  // namespace

std::uint64_t NodeBackend::new_op(LocalClient& c, const Request& req) {
    std::uint64_t id = next_op_++;
    PendingOp& op = ops_[id];
    op.client_id = c.id;
    op.request = req;
    op.started_ms = static_cast<std::int64_t>(uv_now(loop_));
    c.pending_op = id;
    return id;
}

bool NodeBackend::send_op(std::uint64_t id, std::vector<std::string> command, Parse parse) {
    // The request's event can only come on the subscription that exists now.
    if (auto it = ops_.find(id); it != ops_.end()) it->second.sub_generation = sub_.generation();
    return cmd_.command(command, [this, id, parse = std::move(parse)](redisReply* r) {
        if (stopping_) return;
        auto it = ops_.find(id);
        if (it == ops_.end()) return;
        PendingOp& op = it->second;
        if (r == nullptr) {
            op.outcome = Failure{ErrorCode::unavailable, kLostReply};
        } else if (reply::is_error(r)) {
            log_.warn("redis refused {}: {}", to_string(op.request.type), reply::error_text(r));
            if (reply::error_text(r).starts_with("NOSCRIPT")) scripts_.load(cmd_, [](bool) {});
            op.outcome = Failure{ErrorCode::unavailable, "the cluster store refused the request; try again"};
        } else {
            parse(r, op);
            if (!op.outcome) {
                log_.warn("unexpected answer from redis to {}", to_string(op.request.type));
                op.outcome = Failure{ErrorCode::unavailable, "unexpected answer from the cluster store"};
            }
        }
        settle(id);
    });
}

std::optional<Reply> NodeBackend::start_op(LocalClient& c, const Request& req, const Command& command, Parse parse,
                                           std::function<void(LocalClient&)> at_marker) {
    if (!healthy()) return failed(req, ErrorCode::unavailable, kDown);
    std::uint64_t id = new_op(c, req);
    ops_[id].at_marker = std::move(at_marker);
    if (send_op(id, command(id), std::move(parse))) return std::nullopt;
    ops_.erase(id);
    c.pending_op = 0;
    return failed(req, ErrorCode::unavailable, kDown);
}

void NodeBackend::fail_op(std::uint64_t id, Failure failure) {
    auto it = ops_.find(id);
    if (it == ops_.end()) return;
    it->second.outcome = std::move(failure);
    settle(id);
}

void NodeBackend::settle(std::uint64_t id) {
    auto it = ops_.find(id);
    if (it == ops_.end() || !it->second.outcome) return;
    PendingOp& op = it->second;
    bool ok = op.outcome->index() == 0;
    bool marker_can_come = sub_.ready() && sub_.generation() == op.sub_generation;
    if (ok && op.expect_marker && !op.marker_seen && marker_can_come && !op.gave_up) return;

    PendingOp done = std::move(op);
    ops_.erase(it);
    LocalClient* c = index_.find(done.client_id);
    if (c != nullptr) {
        if (ok && !done.marker_seen && done.at_marker) done.at_marker(*c);
        if (done.at_completion) done.at_completion(*c);
        c->pending_op = 0;
        if (c->needs_restore && cmd_.ready()) restore(*c);
    }
    if (!done.pinned_room.empty()) index_.unpin(done.pinned_room);
    if (c == nullptr) return;  // the connection closed while Redis worked

    Reply r = reply_to(done.request);
    r.outcome = std::move(*done.outcome);
    std::vector<std::shared_ptr<const OutgoingEvent>> held;
    held.swap(c->held);
    c->holding = false;
    std::uint64_t client_id = c->id;
    c->client->complete(std::move(r));  // may run held input, even close
    if (held.empty()) return;
    if (LocalClient* again = index_.find(client_id))
        for (const auto& ev : held) deliver(*again, ev);
}

void NodeBackend::settle_all() {
    std::vector<std::uint64_t> ids;
    for (const auto& [id, op] : ops_) ids.push_back(id);
    for (auto id : ids) settle(id);
}

void NodeBackend::give_up_late_markers() {
    auto now = static_cast<std::int64_t>(uv_now(loop_));
    std::vector<std::uint64_t> late;
    for (auto& [id, op] : ops_) {
        if (op.outcome && op.expect_marker && !op.marker_seen && now - op.started_ms > timing_.marker_timeout_ms) {
            op.gave_up = true;
            late.push_back(id);
        }
    }
    if (!late.empty()) log_.warn("{} replies waited too long for their event on the subscription", late.size());
    for (auto id : late) settle(id);
}

}  // namespace parley::cluster
