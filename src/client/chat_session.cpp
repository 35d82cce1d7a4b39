#include "chat_session.h"

#include <cstdio>

#include "resolver.h"

namespace parley::client {
namespace {

constexpr int kHistoryPage = 100;        // the server caps it at its --history anyway
constexpr unsigned kNickRetries = 10;    // the old connection may linger a moment
constexpr std::uint64_t kNickRetryMs = 1000;
constexpr std::uint64_t kQuitGraceMs = 2000;  // a server that never closes after quit

bool is_ok(const nlohmann::json& reply) { return reply.value("type", "") == "ok"; }

std::string describe(const nlohmann::json& reply) {
    return reply.value("code", "error") + ": " + reply.value("message", "");
}

bool ascii_iequal(const std::string& a, const std::string& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        auto fold = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
        if (fold(a[i]) != fold(b[i])) return false;
    }
    return true;
}

std::string seconds(std::uint64_t ms) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(ms) / 1000.0);
    return buf;
}

}  // namespace

ChatSession::ChatSession(uv_loop_t* loop, SessionConfig config, SessionObserver& observer)
    : loop_(loop),
      config_(std::move(config)),
      observer_(observer),
      backoff_(config_.backoff),
      reconnect_timer_(loop),
      nick_timer_(loop),
      close_timer_(loop),
      wanted_nick_(config_.conn.nick) {
    if (!config_.make_transport) {
        config_.make_transport = transport_factory(loop, config_.conn);
    }
}

ChatSession::~ChatSession() {
    if (conn_) conn_->abort();
}

void ChatSession::start() { connect(); }

std::string ChatSession::server() const {
    if (conn_ && conn_->is_open()) return conn_->peer();
    return format_endpoint(config_.conn.host, config_.conn.effective_port());
}

bool ChatSession::is_own(const std::string& nick) const { return ascii_iequal(nick, nick_); }

void ChatSession::connect() {
    state_ = State::Connecting;
    ++generation_;
    conn_ = JsonConnection::create(*this, config_.make_transport);
    conn_->open(config_.conn.host, config_.conn.effective_port(), config_.conn.timeout_s);
}

void ChatSession::schedule_reconnect(const std::string& why) {
    state_ = State::Waiting;
    std::uint64_t delay = backoff_.next_delay_ms();
    observer_.session_notice(why + "; reconnecting in " + seconds(delay));
    observer_.session_state_changed();
    reconnect_timer_.start(delay, [this] { connect(); });
}

void ChatSession::on_open() {
    state_ = State::Restoring;
    if (ever_open_) observer_.session_notice("reconnected to " + conn_->peer());
    ever_open_ = true;
    restore();
}

void ChatSession::on_open_failed(const std::string& reason) {
    conn_.reset();
    if (state_ == State::Closing) return finish_closing();
    std::string where = format_endpoint(config_.conn.host, config_.conn.effective_port());
    if (!ever_open_) {
        state_ = State::Closed;
        observer_.session_unreachable("cannot reach server at " + where + ": " + reason);
        return;
    }
    schedule_reconnect("cannot reach server at " + where + ": " + reason);
}

void ChatSession::on_lost(const std::string& reason) {
    conn_.reset();
    nick_timer_.stop();
    tracker_.on_disconnect();
    if (state_ == State::Closing) return finish_closing();
    std::string why = reason.empty() ? "connection closed by the server" : "connection lost: " + reason;
    if (!config_.reconnect) {
        state_ = State::Closed;
        observer_.session_notice(why);
        observer_.session_closed();
        return;
    }
    schedule_reconnect(why);
}

void ChatSession::restore() {
    std::uint64_t gen = generation_;
    restore_pending_ = 1;
    conn_->request(Json{{"type", "hello"}}, [this, gen](const Json& reply) {
        if (!current(gen)) return;
        if (is_ok(reply)) nick_ = reply.value("nick", nick_);
        if (!ever_ready_ && wanted_nick_.empty()) wanted_nick_ = nick_;
        restore_nick(gen, true);
        bool first = !ever_ready_;
        std::vector<std::string> rooms = first ? config_.rooms : tracker_.rooms();
        for (std::size_t i = 0; i < rooms.size(); ++i)
            restore_room(gen, rooms[i], first && i + 1 == rooms.size());
        restore_step_done(gen);
    });
}

void ChatSession::restore_nick(std::uint64_t gen, bool during_restore) {
    if (wanted_nick_.empty() || ascii_iequal(wanted_nick_, nick_)) return;
    if (during_restore) ++restore_pending_;
    auto done = [this, gen, during_restore](const Json& reply) {
        if (gen != generation_ || !connected()) return;
        if (is_ok(reply)) {
            nick_ = reply.value("nick", wanted_nick_);
            if (nick_retries_ > 0) observer_.session_notice("you are " + nick_ + " again");
            nick_retries_ = 0;
            observer_.session_state_changed();
        } else if (!ever_ready_) {
            // The name asked for on the command line is not available; carry
            // on under the server's name rather than refusing to start.
            observer_.session_error(reply.value("code", "error"),
                                    "cannot use nick " + wanted_nick_ + " (" + describe(reply) +
                                        "); you are " + nick_);
            wanted_nick_ = nick_;
        } else if (reply.value("code", "") == "nick_taken" && nick_retries_++ < kNickRetries) {
            // Most likely our own previous connection, not yet seen as gone
            // by the server: try again shortly, without holding up the rest.
            if (nick_retries_ == 1)
                observer_.session_notice("nick " + wanted_nick_ + " is still taken; retrying");
            nick_timer_.start(kNickRetryMs, [this, gen] {
                if (gen == generation_ && connected()) restore_nick(gen, false);
            });
        } else {
            observer_.session_error(reply.value("code", "error"),
                                    "could not take back nick " + wanted_nick_ + " (" +
                                        describe(reply) + "); you are " + nick_);
            nick_retries_ = 0;
        }
        if (during_restore) restore_step_done(gen);
    };
    conn_->request(Json{{"type", "nick"}, {"nick", wanted_nick_}}, done);
}

void ChatSession::restore_room(std::uint64_t gen, const std::string& room, bool make_current) {
    ++restore_pending_;
    conn_->request(Json{{"type", "join"}, {"room", room}}, [this, gen, room, make_current](const Json& reply) {
        if (!current(gen)) return;
        if (!is_ok(reply)) {
            observer_.session_error(reply.value("code", "error"),
                                    "cannot join " + room + ": " + describe(reply));
            tracker_.on_left(room);
            return restore_step_done(gen);
        }
        bool fresh = !tracker_.joined(room);
        std::int64_t seq = reply.value("seq", std::int64_t{0});
        auto outcome = tracker_.on_joined(room, seq);
        if (fresh) learn_latest_ts(room, seq);
        if (make_current) tracker_.switch_to(room);
        observer_.session_joined(reply);
        if (outcome.history_reset)
            observer_.session_notice("the server's history of " + room +
                                     " starts again (server restarted?)");
        if (outcome.catch_up) catch_up(gen, room, outcome.since);
        restore_step_done(gen);
    });
}

void ChatSession::catch_up(std::uint64_t gen, const std::string& room, std::int64_t since) {
    ++restore_pending_;
    Json req{{"type", "history"}, {"room", room}, {"since", since}, {"limit", kHistoryPage}};
    conn_->request(req, [this, gen, room](const Json& reply) {
        if (!current(gen)) return;
        RoomTracker::CatchUpStep step;
        if (is_ok(reply)) {
            std::vector<ChatMessage> messages;
            for (const auto& m : reply.value("messages", Json::array()))
                if (auto msg = ChatMessage::from_json(m)) messages.push_back(*msg);
            step = tracker_.on_history(room, messages, reply.value("truncated", false),
                                       reply.value("seq", std::int64_t{0}));
        } else {
            observer_.session_error(reply.value("code", "error"),
                                    "cannot fetch missed messages of " + room + ": " + describe(reply));
            step = tracker_.on_history(room, {}, false, 0);  // show what was held
        }
        if (step.history_reset)
            observer_.session_notice("the server's history of " + room +
                                     " is not the one seen before (server restarted?); showing it from the start");
        if (step.truncated) {
            std::string count = step.missed > 0 ? std::to_string(step.missed) : std::string("some");
            observer_.session_notice(count + " message(s) of " + room +
                                     " could not be fetched: the server no longer keeps them (truncated)");
        }
        for (const auto& m : step.show) observer_.session_message(m, is_own(m.from));
        if (step.more && connected()) catch_up(gen, room, step.next_since);
        restore_step_done(gen);
    });
}

void ChatSession::restore_step_done(std::uint64_t gen) {
    if (!current(gen) || --restore_pending_ > 0) return;
    state_ = State::Ready;
    backoff_.reset();
    bool first = !ever_ready_;
    ever_ready_ = true;
    observer_.session_state_changed();
    observer_.session_ready(first);
}

void ChatSession::on_unsolicited(const Json& frame) {
    std::string type = frame.value("type", "");
    if (type == "message") return show_live(frame);
    if (type == "error") {
        observer_.session_error(frame.value("code", "error"), describe(frame));
        return;
    }
    if (type == "nick" && ascii_iequal(frame.value("old", ""), nick_)) nick_ = frame.value("nick", nick_);
    observer_.session_event(frame);
}

void ChatSession::show_live(const Json& event) {
    auto msg = ChatMessage::from_json(event);
    if (!msg) return;
    for (const auto& m : tracker_.on_live(*msg)) observer_.session_message(m, is_own(m.from));
}

void ChatSession::learn_latest_ts(const std::string& room, std::int64_t seq) {
    if (seq <= 0 || !connected()) return;
    conn_->request(Json{{"type", "history"}, {"room", room}, {"limit", 1}}, [this, room, seq](const Json& reply) {
        for (const auto& m : reply.value("messages", Json::array()))
            if (auto msg = ChatMessage::from_json(m); msg && msg->seq == seq) tracker_.learn_ts(room, seq, msg->ts);
    });
}

void ChatSession::say(const std::string& room, const std::string& text, ReplyFn done) {
    request(Json{{"type", "say"}, {"room", room}, {"text", text}}, [this, room, done](const Json& reply) {
        if (is_ok(reply))
            tracker_.on_own_say(room, reply.value("seq", std::int64_t{0}), reply.value("ts", std::int64_t{0}));
        if (done) done(reply);
    });
}

void ChatSession::join(const std::string& room, ReplyFn done) {
    request(Json{{"type", "join"}, {"room", room}}, [this, room, done](const Json& reply) {
        if (is_ok(reply)) {
            bool fresh = !tracker_.joined(room);
            std::int64_t seq = reply.value("seq", std::int64_t{0});
            tracker_.on_joined(room, seq);
            if (fresh) learn_latest_ts(room, seq);
            tracker_.switch_to(room);
            observer_.session_state_changed();
        }
        if (done) done(reply);
    });
}

void ChatSession::leave(const std::string& room, ReplyFn done) {
    request(Json{{"type", "leave"}, {"room", room}}, [this, room, done](const Json& reply) {
        if (is_ok(reply) || reply.value("code", "") == "not_in_room") {
            tracker_.on_left(room);
            observer_.session_state_changed();
        }
        if (done) done(reply);
    });
}

void ChatSession::set_nick(const std::string& nick, ReplyFn done) {
    request(Json{{"type", "nick"}, {"nick", nick}}, [this, done](const Json& reply) {
        if (is_ok(reply)) {
            nick_ = reply.value("nick", nick_);
            wanted_nick_ = nick_;
            observer_.session_state_changed();
        }
        if (done) done(reply);
    });
}

void ChatSession::request(Json request, ReplyFn done) {
    if (!conn_ || state_ == State::Closing) {
        if (done) done(JsonConnection::disconnected_error(request.value("type", "")));
        return;
    }
    conn_->request(std::move(request), std::move(done));
}

void ChatSession::quit() {
    if (state_ == State::Closing || state_ == State::Closed) return;
    reconnect_timer_.stop();
    nick_timer_.stop();
    bool open = connected();
    state_ = State::Closing;
    if (!open) {
        conn_.reset();  // still connecting, or waiting to: give up on it
        return finish_closing();
    }
    conn_->quit();
    close_timer_.start(kQuitGraceMs, [this] {
        if (conn_) conn_->abort();
    });
}

void ChatSession::abort() {
    if (state_ == State::Closed) return;
    reconnect_timer_.stop();
    nick_timer_.stop();
    state_ = State::Closing;
    if (connected()) return conn_->abort();
    conn_.reset();
    finish_closing();
}

void ChatSession::finish_closing() {
    close_timer_.stop();
    state_ = State::Closed;
    observer_.session_closed();
}

}  // namespace parley::client
