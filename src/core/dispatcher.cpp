#include "parley/dispatcher.hpp"

#include "parley/client.hpp"
#include "parley/local_backend.hpp"

namespace parley {

Reply reply_to(const Request& request) {
    Reply reply;
    reply.for_type = request.type;
    reply.for_name = std::string(to_string(request.type));
    reply.id = request.id;
    reply.silent_in_text = request.plain_line;
    return reply;
}

Dispatcher::Dispatcher(ProtocolConfig config, const Clock& clock, Lifecycle& lifecycle)
    : config_(std::move(config)),
      clock_(clock),
      lifecycle_(lifecycle),
      registry_(config_.registry, clock),
      backend_(std::make_unique<LocalBackend>(registry_)),
      started_ms_(clock.mono_ms()) {}

void Dispatcher::use_backend(std::unique_ptr<ChatBackend> backend) { backend_ = std::move(backend); }

std::optional<Reply> Dispatcher::execute(Client& client, Request& request) {
    // Text mode: commands without a ROOM act on the current room.
    if (request.room_defaulted) {
        auto current = backend_->current_room(client);
        if (!current) {
            Reply reply = reply_to(request);
            reply.outcome = Failure{ErrorCode::not_in_room, "join a room first (/join ROOM)"};
            return reply;
        }
        request.room = std::move(*current);
    }

    Reply reply = reply_to(request);
    switch (request.type) {
        case RequestType::hello: reply.outcome = OkPayload{ok::Hello{client.nick()}}; break;
        case RequestType::echo: reply.outcome = OkPayload{ok::Echo{std::move(request.text)}}; break;
        case RequestType::ping: reply.outcome = OkPayload{ok::Ping{clock_.wall_ms()}}; break;
        case RequestType::stats: reply.outcome = stats(); break;
        case RequestType::help: reply.outcome = OkPayload{ok::Empty{}}; break;
        case RequestType::quit:
            backend_->detach(client, LeaveReason::quit);
            reply.outcome = OkPayload{ok::Empty{}};
            break;
        case RequestType::shutdown:
            if (token_matches(request.token)) reply.outcome = OkPayload{ok::Empty{}};
            else reply.outcome = Failure{ErrorCode::forbidden, "shutdown needs the server's admin token"};
            break;
        default: {
            auto answer = backend_->execute(client, request);
            // A cluster answers later; its messages are logged as they are sent.
            bool logged = config_.log_messages && (!answer || answer->ok());
            if (logged && request.type == RequestType::say) lifecycle_.log_message(client, request.room, request.text);
            if (logged && request.type == RequestType::msg)
                lifecycle_.log_message(client, "(pm) " + request.to, request.text);
            if (!answer) return std::nullopt;
            reply.outcome = std::move(answer->outcome);
            break;
        }
    }
    return reply;
}

void Dispatcher::begin_shutdown(ShutdownReason reason) {
    if (draining_) return;
    backend_->broadcast(OutgoingEvent(ev::Shutdown{reason}));
    draining_ = true;
    lifecycle_.shutdown_started(reason);
}

OkPayload Dispatcher::stats() const {
    ServerStats s;
    backend_->fill_stats(s);
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
