#pragma once
// The protocol state of one connection: framing, mode, rate limit and quit.
// It turns bytes into requests for the Dispatcher and replies into frames for
// its Transport; it holds no socket, so unit tests drive it byte by byte.
#include <cstdint>
#include <string>
#include <string_view>

#include "parley/line_framer.hpp"
#include "parley/participant.hpp"
#include "parley/reply.hpp"
#include "parley/token_bucket.hpp"
#include "parley/transport.hpp"

namespace parley {

class Dispatcher;

class Client final : public Participant {
public:
    Client(Dispatcher& dispatcher, Transport& transport);
    ~Client() override;
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    // Bytes as they came off the socket, cut anywhere.
    void receive(std::string_view bytes);
    void deliver(const OutgoingEvent& event) override;

    // Sends an error that no request asked for (server_full, slow_consumer).
    void send_notice(ErrorCode code, std::string message);
    // Leaves every room with this reason; the connection is going away.
    void disconnect(LeaveReason reason);

    // For backends that answer later: the reply to the request being
    // awaited, after which held input is processed.
    void complete(Reply reply);
    // For backends that name a new connection later (ChatBackend::attach).
    void resume();
    // After Transport::input_yielded(): run the input held since.
    void continue_input();

    // Frames one connection may run before the others get a turn: a client
    // pipelining thousands of requests in one read must not stall the loop.
    static constexpr int kFramesPerTurn = 512;

    Mode mode() const { return mode_; }
    bool quitting() const { return quitting_; }
    bool awaiting() const { return awaiting_; }
    // Input is held until continue_input().
    bool yielded() const { return yielded_; }
    std::size_t buffered_input() const { return framer_.buffered() + held_.size(); }

private:
    bool handle_frame(std::string_view frame);
    // After each frame: false when input must stop for a while (yield).
    bool keep_running();
    void run_held();
    // Sends the reply and acts on it (quit, shutdown); false stops input.
    bool finish_request(const Reply& reply);
    void send_reply(const Reply& reply);
    void hold(std::string_view bytes);

    Dispatcher& dispatcher_;
    Transport& transport_;
    LineFramer framer_;
    std::string held_;  // input that arrived while a reply was awaited
    TokenBucket bucket_;
    Mode mode_ = Mode::json;
    bool quitting_ = false;
    bool awaiting_ = false;
    bool yielded_ = false;   // waiting for continue_input()
    bool paused_ = false;    // the transport stopped reading for us
    bool history_since_ = false;  // the history request being answered had `since`
    int frames_left_ = kFramesPerTurn;
};

}  // namespace parley
