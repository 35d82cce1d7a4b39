#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <uv.h>

#include "backoff.h"
#include "client_options.h"
#include "json_connection.h"
#include "room_tracker.h"
#include "uv_timer.h"

namespace parley::client {

// What a ChatSession reports to the program using it (the interactive UI or
// `listen`). Text passed to session_notice is ours, not user-supplied.
class SessionObserver {
public:
    virtual ~SessionObserver() = default;
    // Connected, nick and rooms restored, caught up. `first` for the first time.
    virtual void session_ready(bool first) = 0;
    // The very first connection attempt failed: there is no server to talk to.
    virtual void session_unreachable(const std::string& reason) = 0;
    virtual void session_message(const ChatMessage& m, bool own) = 0;
    // `private`, `joined`, `left`, `nick`, `shutdown` events.
    virtual void session_event(const nlohmann::json& event) = 0;
    virtual void session_notice(const std::string& text) = 0;
    // A request made on the user's behalf while (re)connecting failed, or an
    // error the server sent without an id.
    virtual void session_error(const std::string& code, const std::string& text) = 0;
    // After quit() or abort(), or a loss when reconnecting is off.
    virtual void session_closed() = 0;
    // A join made while (re)connecting succeeded; `reply` holds `members`.
    virtual void session_joined(const nlohmann::json& reply) { (void)reply; }
    // Nick, current room or connection state changed (for the prompt).
    virtual void session_state_changed() {}
};

struct SessionConfig {
    ConnectionOptions conn;
    std::vector<std::string> rooms;  // joined at the first connection; the last is current
    bool reconnect = true;
    Backoff::Params backoff;
    TransportFactory make_transport;  // default: transport_factory(conn)
};

// A chat connection that survives losing its TCP connection: it reconnects
// with backoff, takes its nick back, rejoins its rooms and fetches what was
// said meanwhile with `history since`, so the observer sees every room
// message once and in order (RoomTracker holds the bookkeeping).
class ChatSession : private JsonConnection::Handler {
public:
    using Json = nlohmann::json;
    using ReplyFn = JsonConnection::ReplyFn;

    ChatSession(uv_loop_t* loop, SessionConfig config, SessionObserver& observer);
    ~ChatSession() override;

    void start();

    // Requests that also keep the session's state in step with the server.
    void say(const std::string& room, const std::string& text, ReplyFn done);
    void join(const std::string& room, ReplyFn done);
    void leave(const std::string& room, ReplyFn done);
    void set_nick(const std::string& nick, ReplyFn done);
    // Any other request (who, rooms, history, msg, echo, ping, stats...).
    void request(Json request, ReplyFn done);

    // Leave cleanly (quit, FIN) or at once (RST); session_closed follows.
    void quit();
    void abort();

    const std::string& nick() const { return nick_; }
    bool connected() const { return conn_ && conn_->is_open(); }
    bool ready() const { return state_ == State::Ready; }
    RoomTracker& rooms() { return tracker_; }
    const RoomTracker& rooms() const { return tracker_; }
    std::string server() const;
    bool is_own(const std::string& nick) const;

private:
    enum class State { Idle, Connecting, Restoring, Ready, Waiting, Closing, Closed };

    void connect();
    void schedule_reconnect(const std::string& why);
    void restore();
    void restore_nick(std::uint64_t gen, bool during_restore);
    void restore_room(std::uint64_t gen, const std::string& room, bool make_current);
    void catch_up(std::uint64_t gen, const std::string& room, std::int64_t since);
    void restore_step_done(std::uint64_t gen);
    // A restore callback still matters: same connection, still open (replies
    // failed because the connection dropped are left to on_lost).
    bool current(std::uint64_t gen) const {
        return gen == generation_ && state_ == State::Restoring && connected();
    }
    void show_live(const Json& event);
    void learn_latest_ts(const std::string& room, std::int64_t seq);
    void finish_closing();

    void on_open() override;
    void on_open_failed(const std::string& reason) override;
    void on_unsolicited(const Json& frame) override;
    void on_lost(const std::string& reason) override;

    uv_loop_t* loop_;
    SessionConfig config_;
    SessionObserver& observer_;
    std::shared_ptr<JsonConnection> conn_;
    RoomTracker tracker_;
    Backoff backoff_;
    Timer reconnect_timer_;
    Timer nick_timer_;
    Timer close_timer_;
    State state_ = State::Idle;
    std::uint64_t generation_ = 0;  // one per connection; stale callbacks check it
    int restore_pending_ = 0;
    bool ever_ready_ = false;
    bool ever_open_ = false;  // the server was there at least once
    unsigned nick_retries_ = 0;
    std::string nick_;
    std::string wanted_nick_;
};

}  // namespace parley::client
