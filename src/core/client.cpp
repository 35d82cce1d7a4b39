#include "parley/client.hpp"

#include <memory>

#include "parley/dispatcher.hpp"
#include "parley/json_codec.hpp"
#include "parley/text_codec.hpp"
#include "parley/utf8.hpp"

namespace parley {

namespace {

Mode mode_of(std::string_view frame) {
    for (char c : frame) {
        if (c == ' ' || c == '\t') continue;
        return c == '{' ? Mode::json : Mode::text;
    }
    return Mode::text;
}

Reply failure_reply(ErrorCode code, std::string message) {
    Reply r;
    r.outcome = Failure{code, std::move(message)};
    return r;
}

}  // namespace

Client::Client(Dispatcher& dispatcher, Transport& transport)
    : dispatcher_(dispatcher),
      transport_(transport),
      framer_(dispatcher.config().max_frame),
      bucket_(dispatcher.config().burst, dispatcher.clock().mono_ms()) {
    dispatcher_.registry().add(*this);
}

Client::~Client() { dispatcher_.registry().remove(*this, LeaveReason::disconnect); }

void Client::disconnect(LeaveReason reason) { dispatcher_.registry().remove(*this, reason); }

void Client::receive(std::string_view bytes) {
    if (quitting_) return;
    framer_.feed(
        bytes, [this](std::string_view frame) { return handle_frame(frame); },
        [this] {
            transport_.limit_hit(ErrorCode::frame_too_large);
            send_reply(failure_reply(ErrorCode::frame_too_large,
                                     "frames are at most " + std::to_string(framer_.max_frame()) + " bytes"));
        });
}

bool Client::handle_frame(std::string_view frame) {
    ++dispatcher_.counters().frames_in;
    if (dispatcher_.draining()) return false;
    mode_ = mode_of(frame);

    Reply reply;
    if (!utf8::is_valid(frame)) {
        reply = failure_reply(ErrorCode::bad_json, "frames must be valid UTF-8");
    } else {
        auto decoded = mode_ == Mode::json ? json_codec::decode(frame) : text_codec::decode(frame);
        std::int64_t retry_after_ms = 0;
        const auto& cfg = dispatcher_.config();
        bool allowed = bucket_.take(cfg.rate, cfg.burst, dispatcher_.clock().mono_ms(), retry_after_ms);
        if (!allowed) {
            transport_.limit_hit(ErrorCode::rate_limited);
            reply = failure_reply(ErrorCode::rate_limited, "too many frames; slow down");
            std::get<Failure>(reply.outcome).retry_after_ms = retry_after_ms;
            if (auto* req = std::get_if<Request>(&decoded)) {
                reply.for_type = req->type;
                reply.for_name = std::string(to_string(req->type));
                reply.id = req->id;
            } else {
                const auto& err = std::get<Reply>(decoded);
                reply.for_type = err.for_type;
                reply.for_name = err.for_name;
                reply.id = err.id;
            }
        } else if (auto* req = std::get_if<Request>(&decoded)) {
            reply = dispatcher_.execute(*this, *req);
            if (req->type == RequestType::quit) quitting_ = true;
        } else {
            reply = std::move(std::get<Reply>(decoded));
        }
    }
    send_reply(reply);
    if (quitting_) {
        transport_.close_after_flush();
        return false;
    }
    if (reply.ok() && reply.for_type == RequestType::shutdown) dispatcher_.begin_shutdown(ShutdownReason::admin);
    return !dispatcher_.draining();
}

void Client::send_reply(const Reply& reply) {
    std::string bytes = mode_ == Mode::json ? json_codec::encode(reply) : text_codec::encode(reply);
    if (bytes.empty()) return;
    std::uint64_t lines = 0;
    for (char c : bytes) lines += c == '\n';
    dispatcher_.counters().frames_out += lines;
    transport_.send(std::make_shared<const std::string>(std::move(bytes)));
}

void Client::send_notice(ErrorCode code, std::string message) { send_reply(failure_reply(code, std::move(message))); }

void Client::deliver(const OutgoingEvent& event) {
    if (quitting_) return;
    if (dispatcher_.draining() && !std::holds_alternative<ev::Shutdown>(event.event())) return;
    ++dispatcher_.counters().frames_out;
    transport_.send(event.frame(mode_));
}

}  // namespace parley
