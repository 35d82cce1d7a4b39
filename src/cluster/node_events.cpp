// Events from Redis pub/sub to this node's connections. Each event is built
// once as an OutgoingEvent, exactly as the single-process registry builds
// it, so the bytes on the wire are the same in both modes.
#include <unordered_set>

#include "keys.hpp"
#include "node_backend.hpp"
#include "parley/client.hpp"

namespace parley::cluster {

void NodeBackend::on_message(std::string_view channel, std::string_view payload) {
    last_sub_traffic_ms_ = static_cast<std::int64_t>(uv_now(loop_));
    if (stopping_) return;
    auto ev = decode_event(payload);
    if (!ev) {
        log_.warn("unreadable event on {}: {:.120}", channel, payload);
        return;
    }
    switch (ev->kind) {
        case WireEvent::Kind::tick: return;
        case WireEvent::Kind::joined:
        case WireEvent::Kind::left:
        case WireEvent::Kind::message: {
            auto room = keys::room_of_channel(channel);
            if (!room.empty()) route_room(std::string(room), *ev);
            return;
        }
        case WireEvent::Kind::private_message: route_private(*ev); return;
        case WireEvent::Kind::nick: route_nick(*ev); return;
    }
}

void NodeBackend::deliver(LocalClient& c, const std::shared_ptr<const OutgoingEvent>& event) {
    if (c.holding) c.held.push_back(event);
    else c.client->deliver(*event);
}

std::uint64_t NodeBackend::mark(const WireEvent& ev) {
    if (ev.op == 0 || !index_.is_local_member(ev.member)) return 0;
    auto it = ops_.find(ev.op);
    if (it == ops_.end()) return 0;
    PendingOp& op = it->second;
    LocalClient* c = index_.find(op.client_id);
    if (c == nullptr || c->member != ev.member || op.marker_seen) return 0;
    op.marker_seen = true;
    if (op.at_marker) {
        auto apply = std::move(op.at_marker);
        op.at_marker = nullptr;
        apply(*c);
    }
    // What follows the request in the event order follows its reply too.
    if (!op.outcome) c->holding = true;
    return ev.op;
}

void NodeBackend::route_room(const std::string& room, const WireEvent& ev) {
    std::shared_ptr<const OutgoingEvent> out;
    switch (ev.kind) {
        case WireEvent::Kind::joined: out = std::make_shared<const OutgoingEvent>(ev::Joined{room, ev.nick}); break;
        case WireEvent::Kind::left:
            out = std::make_shared<const OutgoingEvent>(ev::Left{room, ev.nick, ev.reason});
            break;
        default:
            out = std::make_shared<const OutgoingEvent>(
                ev::Message{room, ev.message.from, ev.message.text, ev.message.seq, ev.message.ts});
            break;
    }
    // The member who caused the event gets a reply instead (or is gone).
    for (auto id : index_.members_of(room)) {
        LocalClient* c = index_.find(id);
        if (c != nullptr && c->member != ev.member) deliver(*c, out);
    }
    if (auto op = mark(ev)) settle(op);
}

void NodeBackend::route_private(const WireEvent& ev) {
    if (LocalClient* c = index_.find_member(ev.to_member)) {
        deliver(*c, std::make_shared<const OutgoingEvent>(
                        ev::Private{ev.message.from, ev.to_nick, ev.message.text, ev.message.ts}));
    }
    if (auto op = mark(ev)) settle(op);
}

void NodeBackend::route_nick(const WireEvent& ev) {
    // Once to each local client sharing at least one room with the renamed.
    auto out = std::make_shared<const OutgoingEvent>(ev::NickChanged{ev.old_nick, ev.nick});
    std::unordered_set<std::uint64_t> told;
    for (const auto& room : ev.rooms) {
        for (auto id : index_.members_of(room)) {
            if (!told.insert(id).second) continue;
            LocalClient* c = index_.find(id);
            if (c != nullptr && c->member != ev.member) deliver(*c, out);
        }
    }
    if (auto op = mark(ev)) settle(op);
}

}  // namespace parley::cluster
