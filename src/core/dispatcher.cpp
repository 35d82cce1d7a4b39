#include "parley/dispatcher.hpp"

#include "parley/client.hpp"

namespace parley {

namespace {

Failure not_in_any_room() { return {ErrorCode::not_in_room, "join a room first (/join ROOM)"}; }

template <class T>
std::variant<OkPayload, Failure> from(Result<T> r) {
    if (r.ok()) return OkPayload{std::move(r.value())};
    return r.failure();
}

}  // namespace

Dispatcher::Dispatcher(ProtocolConfig config, const Clock& clock, Lifecycle& lifecycle)
    : config_(std::move(config)),
      clock_(clock),
      lifecycle_(lifecycle),
      registry_(config_.registry, clock),
      started_ms_(clock.mono_ms()) {}

Reply Dispatcher::execute(Client& client, const Request& request) {
    Reply reply;
    reply.for_type = request.type;
    reply.for_name = std::string(to_string(request.type));
    reply.id = request.id;

    // Text mode: commands without a ROOM act on the current room.
    const Request* req = &request;
    Request defaulted;
    if (request.room_defaulted) {
        if (client.rooms().empty()) {
            reply.outcome = not_in_any_room();
            return reply;
        }
        defaulted = request;
        defaulted.room = client.rooms().back()->name();
        req = &defaulted;
    }

    auto& reg = registry_;
    switch (req->type) {
        case RequestType::hello: reply.outcome = OkPayload{ok::Hello{client.nick()}}; break;
        case RequestType::nick: reply.outcome = from(reg.set_nick(client, req->nick)); break;
        case RequestType::join: reply.outcome = from(reg.join(client, req->room)); break;
        case RequestType::leave: reply.outcome = from(reg.leave(client, req->room)); break;
        case RequestType::say:
            reply.outcome = from(reg.say(client, req->room, req->text));
            reply.silent_in_text = req->plain_line;
            if (config_.log_messages && reply.ok()) lifecycle_.log_message(client, req->room, req->text);
            break;
        case RequestType::msg:
            reply.outcome = from(reg.msg(client, req->to, req->text));
            if (config_.log_messages && reply.ok()) lifecycle_.log_message(client, "(pm) " + req->to, req->text);
            break;
        case RequestType::who: reply.outcome = from(reg.who(req->room)); break;
        case RequestType::rooms: reply.outcome = OkPayload{reg.rooms()}; break;
        case RequestType::history: reply.outcome = from(reg.history(req->room, req->since, req->limit)); break;
        case RequestType::echo: reply.outcome = OkPayload{ok::Echo{req->text}}; break;
        case RequestType::ping: reply.outcome = OkPayload{ok::Ping{clock_.wall_ms()}}; break;
        case RequestType::stats: reply.outcome = stats(); break;
        case RequestType::quit:
            reg.remove(client, LeaveReason::quit);
            reply.outcome = OkPayload{ok::Empty{}};
            break;
        case RequestType::shutdown:
            if (token_matches(req->token)) reply.outcome = OkPayload{ok::Empty{}};
            else reply.outcome = Failure{ErrorCode::forbidden, "shutdown needs the server's admin token"};
            break;
        case RequestType::help: reply.outcome = OkPayload{ok::Empty{}}; break;
    }
    return reply;
}

void Dispatcher::begin_shutdown(ShutdownReason reason) {
    if (draining_) return;
    registry_.broadcast(OutgoingEvent(ev::Shutdown{reason}));
    draining_ = true;
    lifecycle_.shutdown_started(reason);
}

OkPayload Dispatcher::stats() const {
    ServerStats s;
    s.connections = registry_.participant_count();
    s.rooms = registry_.occupied_room_count();
    s.uptime_s = (clock_.mono_ms() - started_ms_) / 1000;
    s.frames_in = counters_.frames_in;
    s.frames_out = counters_.frames_out;
    s.bytes_in = counters_.bytes_in;
    s.bytes_out = counters_.bytes_out;
    s.udp_datagrams = counters_.udp_datagrams;
    return ok::Stats{s};
}

bool Dispatcher::token_matches(std::string_view given) const {
    const std::string& expected = config_.admin_token;
    if (expected.empty()) return false;
    // Constant time in the content: every byte of the longer string is looked
    // at whatever matches, so timing reveals neither prefix nor content.
    std::size_t n = std::max(expected.size(), given.size());
    unsigned diff = expected.size() == given.size() ? 0u : 1u;
    for (std::size_t i = 0; i < n; ++i) {
        unsigned char a = i < expected.size() ? static_cast<unsigned char>(expected[i]) : 0;
        unsigned char b = i < given.size() ? static_cast<unsigned char>(given[i]) : 0;
        diff |= static_cast<unsigned>(a ^ b);
    }
    return diff == 0;
}

}  // namespace parley
