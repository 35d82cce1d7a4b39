// The chat requests of a cluster node: checked here as RoomRegistry checks
// them, then carried out by one script each on Redis.
#include <algorithm>
#include <cstdlib>

#include "keys.hpp"
#include "node_backend.hpp"
#include "parley/client.hpp"
#include "parley/dispatcher.hpp"
#include "parley/names.hpp"
#include "redis_reply.hpp"

namespace parley::cluster {

namespace {

constexpr const char* kDown = "the cluster store (Redis) is unreachable; try again shortly";
constexpr const char* kRestoring = "this connection is being restored in the cluster; try again";

Reply failed(const Request& req, ErrorCode code, std::string message) {
    Reply r = reply_to(req);
    r.outcome = Failure{code, std::move(message)};
    return r;
}

Failure invalid_room() {
    return {ErrorCode::invalid_room, "room names are 1 to 64 characters, without spaces or control characters"};
}

std::vector<std::string> strings(const redisReply* array) {
    std::vector<std::string> out;
    if (array == nullptr || array->type != REDIS_REPLY_ARRAY) return out;
    out.reserve(array->elements);
    for (std::size_t i = 0; i < array->elements; ++i)
        if (auto t = reply::text(array->element[i])) out.emplace_back(*t);
    return out;
}

}  // namespace

std::optional<Reply> NodeBackend::execute(Client& client, const Request& req) {
    LocalClient* c = index_.find(client);
    if (c == nullptr || !c->named()) return failed(req, ErrorCode::unavailable, kDown);
    switch (req.type) {
        case RequestType::nick: return do_nick(*c, req);
        case RequestType::join: return do_join(*c, req);
        case RequestType::leave: return do_leave(*c, req);
        case RequestType::say: return do_say(*c, req);
        case RequestType::msg: return do_msg(*c, req);
        case RequestType::who: return do_who(*c, req);
        case RequestType::rooms: return do_rooms(*c, req);
        case RequestType::history: return do_history(*c, req);
        default: return failed(req, ErrorCode::unknown_type, "not a chat request");
    }
}

std::optional<Reply> NodeBackend::do_nick(LocalClient& c, const Request& req) {
    if (!names::valid_nick(req.nick)) {
        return failed(req, ErrorCode::invalid_nick,
                      "nicks are 1 to 32 characters, without spaces, control characters or / @ # : , \" \\");
    }
    if (req.nick == c.nick) {
        Reply r = reply_to(req);
        r.outcome = OkPayload{ok::Nick{c.nick}};
        return r;
    }
    std::string nick = req.nick;
    auto command = [&](std::uint64_t op) {
        return scripts_.call(Script::nick, {c.member, nick, std::to_string(op), std::to_string(timing_.nick_ttl_s)});
    };
    return start_op(c, req, command, [nick](redisReply* r, PendingOp& op) {
        auto status = reply::status(r);
        if (status == "ok") {
            op.outcome = OkPayload{ok::Nick{nick}};
            op.expect_marker = reply::integer(reply::at(r, 1)).value_or(0) == 1;
            op.at_completion = [nick](LocalClient& lc) {
                lc.nick = nick;
                set_name(*lc.client, nick);
            };
        } else if (status == "taken") {
            op.outcome = Failure{ErrorCode::nick_taken, "that nick is taken"};
        } else if (status == "gone") {
            op.outcome = Failure{ErrorCode::unavailable, kRestoring};
        }
    });
}

std::optional<Reply> NodeBackend::do_join(LocalClient& c, const Request& req) {
    if (!names::valid_room(req.room)) return failed(req, invalid_room().code, invalid_room().message);
    if (!c.in_room(req.room) && c.rooms.size() >= options_.limits.max_rooms_per_client) {
        return failed(req, ErrorCode::too_many_rooms,
                      "a client may be in at most " + std::to_string(options_.limits.max_rooms_per_client) + " rooms");
    }
    if (!healthy()) return failed(req, ErrorCode::unavailable, kDown);
    std::string room = req.room;
    std::uint64_t id = new_op(c, req);
    ops_[id].pinned_room = room;
    // Set before anything is sent: the marker may come before the reply.
    ops_[id].at_marker = [this, room](LocalClient& lc) { index_.join(lc, room); };
    index_.pin(room);
    // The script runs only once this node hears the room: everything
    // published after the join must reach the new member.
    auto send = [this, id, room] {
        auto it = ops_.find(id);
        if (it == ops_.end()) return true;
        LocalClient* lc = index_.find(it->second.client_id);
        if (lc == nullptr) {  // closed while waiting for the subscription
            ops_.erase(it);
            index_.unpin(room);
            return true;
        }
        std::vector<std::string> args{room, lc->member, lc->nick, std::to_string(id)};
        return send_op(id, scripts_.call(Script::join, std::move(args)), [room](redisReply* r, PendingOp& op) {
            if (reply::status(r) == "gone") {
                op.outcome = Failure{ErrorCode::unavailable, kRestoring};
                return;
            }
            if (reply::status(r) != "ok") return;
            bool added = reply::integer(reply::at(r, 1)).value_or(0) == 1;
            auto seq = static_cast<std::uint64_t>(reply::integer(reply::at(r, 2)).value_or(0));
            auto members = strings(reply::at(r, 3));
            std::sort(members.begin(), members.end());  // byte order of UTF-8 is code point order
            op.outcome = OkPayload{ok::Join{room, std::move(members), seq}};
            // A new member receives the room's events from its `joined` on;
            // a re-join only makes the room current again.
            op.expect_marker = added;
        });
    };
    auto want = subs_.want(keys::room_channel(room), [this, id, send](bool ok) {
        if (!ok || !send()) fail_op(id, Failure{ErrorCode::unavailable, kDown});
    });
    if (want == Subscriptions::Want::unavailable || (want == Subscriptions::Want::ready && !send())) {
        ops_.erase(id);
        index_.unpin(room);
        c.pending_op = 0;
        return failed(req, ErrorCode::unavailable, kDown);
    }
    return std::nullopt;
}

std::optional<Reply> NodeBackend::do_leave(LocalClient& c, const Request& req) {
    if (!c.in_room(req.room)) return failed(req, ErrorCode::not_in_room, "you are not in that room");
    std::string room = req.room;
    auto command = [&](std::uint64_t op) {
        return scripts_.call(Script::leave, {room, c.member, std::to_string(op), retention_});
    };
    // Events published before the leave still reach the client.
    auto at_marker = [this, room](LocalClient& lc) { index_.leave(lc, room); };
    return start_op(c, req, command, [this, room](redisReply* r, PendingOp& op) {
        auto status = reply::status(r);
        if (status == "ok") {
            op.outcome = OkPayload{ok::Leave{room}};
            op.expect_marker = true;
        } else if (status == "not_in_room") {
            op.outcome = Failure{ErrorCode::not_in_room, "you are not in that room"};
            op.at_completion = [this, room](LocalClient& lc) { index_.leave(lc, room); };
        }
    }, at_marker);
}

std::optional<Reply> NodeBackend::do_say(LocalClient& c, const Request& req) {
    if (!c.in_room(req.room)) return failed(req, ErrorCode::not_in_room, "join the room before saying something in it");
    if (req.text.empty()) return failed(req, ErrorCode::bad_request, "text must not be empty");
    std::string room = req.room;
    auto command = [&](std::uint64_t op) {
        return scripts_.call(Script::say, {room, c.member, c.nick, req.text, std::to_string(op),
                                           std::to_string(options_.limits.history)});
    };
    return start_op(c, req, command, [room](redisReply* r, PendingOp& op) {
        auto status = reply::status(r);
        if (status == "ok") {
            auto seq = static_cast<std::uint64_t>(reply::integer(reply::at(r, 1)).value_or(0));
            auto ts = reply::integer(reply::at(r, 2)).value_or(0);
            op.outcome = OkPayload{ok::Say{room, seq, ts}};
            op.expect_marker = true;
        } else if (status == "not_in_room") {
            op.outcome = Failure{ErrorCode::not_in_room, "join the room before saying something in it"};
        }
    });
}

std::optional<Reply> NodeBackend::do_msg(LocalClient& c, const Request& req) {
    auto command = [&](std::uint64_t op) {
        return scripts_.call(Script::msg, {c.member, c.nick, req.to, req.text, std::to_string(op)});
    };
    return start_op(c, req, command, [this](redisReply* r, PendingOp& op) {
        auto status = reply::status(r);
        if (status == "ok") {
            std::string to(reply::text(reply::at(r, 1)).value_or(""));
            auto ts = reply::integer(reply::at(r, 2)).value_or(0);
            op.outcome = OkPayload{ok::Msg{std::move(to), ts}};
            // Addressed to this node: the `private` event comes first, as
            // when one writes to oneself on a single server.
            op.expect_marker = reply::text(reply::at(r, 3)).value_or("") == options_.node_id;
        } else if (status == "no_such_nick") {
            op.outcome = Failure{ErrorCode::no_such_nick, "nobody has that nick"};
        } else if (status == "empty") {
            op.outcome = Failure{ErrorCode::bad_request, "text must not be empty"};
        }
    });
}

std::optional<Reply> NodeBackend::do_who(LocalClient& c, const Request& req) {
    if (!names::valid_room(req.room)) return failed(req, invalid_room().code, invalid_room().message);
    if (!reads_possible()) return failed(req, ErrorCode::unavailable, kDown);
    std::string room = req.room;
    std::uint64_t id = new_op(c, req);
    bool sent = send_op(id, {"HVALS", keys::members(room)}, [room](redisReply* r, PendingOp& op) {
        if (r->type != REDIS_REPLY_ARRAY) return;
        auto members = strings(r);
        std::sort(members.begin(), members.end());
        op.outcome = OkPayload{ok::Who{room, std::move(members)}};
    });
    if (sent) return std::nullopt;
    ops_.erase(id);
    c.pending_op = 0;
    return failed(req, ErrorCode::unavailable, kDown);
}

std::optional<Reply> NodeBackend::do_rooms(LocalClient& c, const Request& req) {
    if (!reads_possible()) return failed(req, ErrorCode::unavailable, kDown);
    std::uint64_t id = new_op(c, req);
    bool sent = send_op(id, {"HGETALL", keys::rooms()}, [](redisReply* r, PendingOp& op) {
        if (r->type != REDIS_REPLY_ARRAY) return;
        ok::Rooms out;
        for (std::size_t i = 0; i + 1 < r->elements; i += 2) {
            auto name = reply::text(r->element[i]);
            auto count = reply::text(r->element[i + 1]);
            if (!name || !count) continue;
            std::size_t n = std::strtoull(std::string(*count).c_str(), nullptr, 10);
            if (n > 0) out.rooms.push_back({std::string(*name), n});
        }
        std::sort(out.rooms.begin(), out.rooms.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
        op.outcome = OkPayload{std::move(out)};
    });
    if (sent) return std::nullopt;
    ops_.erase(id);
    c.pending_op = 0;
    return failed(req, ErrorCode::unavailable, kDown);
}

std::optional<Reply> NodeBackend::do_history(LocalClient& c, const Request& req) {
    if (!names::valid_room(req.room)) return failed(req, invalid_room().code, invalid_room().message);
    if (!reads_possible()) return failed(req, ErrorCode::unavailable, kDown);
    std::string room = req.room;
    std::uint64_t limit = std::min<std::uint64_t>(req.limit.value_or(50), options_.limits.history);
    std::string since;
    // Lua numbers are doubles: beyond 2^53 every seq is smaller anyway.
    if (req.since) since = std::to_string(std::min<std::uint64_t>(*req.since, std::uint64_t{1} << 53));
    std::uint64_t id = new_op(c, req);
    bool sent = send_op(id, scripts_.call(Script::history, {room, since, std::to_string(limit)}),
                        [room](redisReply* r, PendingOp& op) {
                            if (reply::status(r) != "ok") return;
                            ok::History h{room, {}, 0, false};
                            h.seq = static_cast<std::uint64_t>(reply::integer(reply::at(r, 1)).value_or(0));
                            h.truncated = reply::integer(reply::at(r, 2)).value_or(0) == 1;
                            for (const auto& entry : strings(reply::at(r, 3)))
                                if (auto m = decode_entry(entry)) h.messages.push_back(std::move(*m));
                            op.outcome = OkPayload{std::move(h)};
                        });
    if (sent) return std::nullopt;
    ops_.erase(id);
    c.pending_op = 0;
    return failed(req, ErrorCode::unavailable, kDown);
}

}  // namespace parley::cluster
