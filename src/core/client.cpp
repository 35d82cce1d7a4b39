#include "parley/client.hpp"

#include <algorithm>
#include <memory>

#include "parley/dispatcher.hpp"
#include "parley/history_fit.hpp"
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

// The `for` and `id` of whatever could be read of the frame.
void copy_origin(const json_codec::Decoded& decoded, Reply& reply) {
    if (const auto* req = std::get_if<Request>(&decoded)) {
        reply.for_type = req->type;
        reply.for_name = std::string(to_string(req->type));
        reply.id = req->id;
    } else {
        const auto& err = std::get<Reply>(decoded);
        reply.for_type = err.for_type;
        reply.for_name = err.for_name;
        reply.id = err.id;
    }
}

}  // namespace

Client::Client(Dispatcher& dispatcher, Transport& transport)
    : dispatcher_(dispatcher),
      transport_(transport),
      framer_(dispatcher.config().max_frame),
      bucket_(dispatcher.config().burst, dispatcher.clock().mono_ms()) {
    awaiting_ = !dispatcher_.backend().attach(*this);
}

Client::~Client() { dispatcher_.backend().detach(*this, LeaveReason::disconnect); }

void Client::disconnect(LeaveReason reason) { dispatcher_.backend().detach(*this, reason); }

void Client::receive(std::string_view bytes) {
    if (quitting_ || dispatcher_.draining()) return;  // nothing is answered during a drain
    if (awaiting_ || yielded_) {
        hold(bytes);
        return;
    }
    std::size_t used = framer_.feed(
        bytes, [this](std::string_view frame) { return handle_frame(frame) && keep_running(); },
        [this] {
            transport_.limit_hit(ErrorCode::frame_too_large);
            send_reply(failure_reply(ErrorCode::frame_too_large,
                                     "frames are at most " + std::to_string(framer_.max_frame()) + " bytes"));
        });
    // Stopped for an answer that comes later, or to let others run: keep
    // the rest for then.
    if ((awaiting_ || yielded_) && used < bytes.size()) hold(bytes.substr(used));
}

bool Client::keep_running() {
    if (--frames_left_ > 0 && !transport_.output_backlogged()) return true;
    frames_left_ = kFramesPerTurn;
    yielded_ = transport_.input_yielded();
    return !yielded_;
}

void Client::continue_input() {
    if (!yielded_) return;
    yielded_ = false;
    if (!awaiting_) run_held();
}

void Client::hold(std::string_view bytes) {
    held_.append(bytes);
    // A frame and a read's worth is enough to keep; the socket waits for more.
    if (!paused_ && held_.size() > framer_.max_frame() + 64 * 1024) {
        paused_ = true;
        transport_.pause_reading();
    }
}

void Client::resume() {
    awaiting_ = false;
    if (!yielded_) run_held();
}

void Client::run_held() {
    std::string pending;
    pending.swap(held_);
    if (paused_) {
        paused_ = false;
        transport_.resume_reading();
    }
    if (!pending.empty()) receive(pending);
}

void Client::complete(Reply reply) {
    if (!finish_request(reply)) {
        awaiting_ = false;
        held_.clear();
        return;
    }
    resume();
}

bool Client::handle_frame(std::string_view frame) {
    ++dispatcher_.counters().frames_in;
    if (dispatcher_.draining()) return false;
    mode_ = mode_of(frame);

    // The JSON parser checks UTF-8 itself, as part of its single pass.
    if (mode_ == Mode::text && !utf8::is_valid(frame))
        return finish_request(failure_reply(ErrorCode::bad_json, "frames must be valid UTF-8"));
    auto decoded = mode_ == Mode::json ? json_codec::decode(frame) : text_codec::decode(frame);
    std::int64_t retry_after_ms = 0;
    const auto& cfg = dispatcher_.config();
    if (!bucket_.take(cfg.rate, cfg.burst, dispatcher_.clock().mono_ms(), retry_after_ms)) {
        transport_.limit_hit(ErrorCode::rate_limited);
        Reply reply = failure_reply(ErrorCode::rate_limited, "too many frames; slow down");
        std::get<Failure>(reply.outcome).retry_after_ms = retry_after_ms;
        copy_origin(decoded, reply);
        return finish_request(reply);
    }
    auto* req = std::get_if<Request>(&decoded);
    if (req == nullptr) return finish_request(std::get<Reply>(decoded));
    if (req->type == RequestType::quit) quitting_ = true;
    if (req->type == RequestType::history) history_since_ = req->since.has_value();
    auto reply = dispatcher_.execute(*this, *req);
    if (!reply) {
        awaiting_ = true;
        return false;
    }
    return finish_request(*reply);
}

bool Client::finish_request(const Reply& reply) {
    send_reply(reply);
    if (quitting_) {
        transport_.close_after_flush();
        return false;
    }
    if (reply.ok() && reply.for_type == RequestType::shutdown) dispatcher_.begin_shutdown(ShutdownReason::admin);
    return !dispatcher_.draining();
}

void Client::send_reply(const Reply& reply) {
    // One buffer for the loop: replies are encoded here, then copied onto the
    // connection's queue, so encoding allocates nothing once it has grown.
    static thread_local std::string scratch;
    scratch.clear();
    if (mode_ == Mode::json) json_codec::encode_into(reply, scratch);
    else text_codec::encode_into(reply, scratch);
    if (scratch.size() > dispatcher_.config().max_reply && reply.ok() &&
        std::holds_alternative<ok::History>(std::get<OkPayload>(reply.outcome))) {
        Reply smaller = reply;
        auto& history = std::get<ok::History>(std::get<OkPayload>(smaller.outcome));
        if (fit_history(history, mode_, history_since_, dispatcher_.config().max_reply) > 0)
            return send_reply(smaller);
    }
    if (scratch.empty()) return;
    dispatcher_.counters().frames_out +=
        mode_ == Mode::json ? 1 : static_cast<std::uint64_t>(std::count(scratch.begin(), scratch.end(), '\n'));
    transport_.send_copy(scratch);
}

void Client::send_notice(ErrorCode code, std::string message) { send_reply(failure_reply(code, std::move(message))); }

void Client::deliver(const OutgoingEvent& event) {
    if (quitting_) return;
    if (dispatcher_.draining() && !std::holds_alternative<ev::Shutdown>(event.event())) return;
    ++dispatcher_.counters().frames_out;
    transport_.send(event.frame(mode_));
}

}  // namespace parley
