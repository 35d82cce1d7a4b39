#include "parley/local_backend.hpp"

#include "parley/client.hpp"

namespace parley {

namespace {
template <class T>
std::variant<OkPayload, Failure> from(Result<T> r) {
    if (r.ok()) return OkPayload{std::move(r.value())};
    return r.failure();
}
}  // namespace

bool LocalBackend::attach(Client& client) {
    registry_.add(client);
    return true;
}

void LocalBackend::detach(Client& client, LeaveReason reason) { registry_.remove(client, reason); }

std::optional<Reply> LocalBackend::execute(Client& client, const Request& req) {
    Reply reply;
    auto& reg = registry_;
    switch (req.type) {
        case RequestType::nick: reply.outcome = from(reg.set_nick(client, req.nick)); break;
        case RequestType::join: reply.outcome = from(reg.join(client, req.room)); break;
        case RequestType::leave: reply.outcome = from(reg.leave(client, req.room)); break;
        case RequestType::say: reply.outcome = from(reg.say(client, req.room, req.text)); break;
        case RequestType::msg: reply.outcome = from(reg.msg(client, req.to, req.text)); break;
        case RequestType::who: reply.outcome = from(reg.who(req.room)); break;
        case RequestType::rooms: reply.outcome = OkPayload{reg.rooms()}; break;
        case RequestType::history: reply.outcome = from(reg.history(req.room, req.since, req.limit)); break;
        default: reply.outcome = Failure{ErrorCode::unknown_type, "not a chat request"}; break;
    }
    return reply;
}

std::optional<std::string> LocalBackend::current_room(const Client& client) const {
    if (client.rooms().empty()) return std::nullopt;
    return client.rooms().back()->name();
}

void LocalBackend::fill_stats(ServerStats& stats) const {
    stats.connections = registry_.participant_count();
    stats.rooms = registry_.occupied_room_count();
}

}  // namespace parley
