#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "chat_message.h"

namespace parley::client {

// What the client must remember to survive a lost connection: the rooms it
// is in (in join order), the current one, and per room the last message seq
// it has shown. After a reconnect it rejoins each room and asks for
// `history since` that seq; live messages that race with the history reply
// are held back and merged, so every message is shown once and in seq order.
//
// Seqs restart when the server does, so a seq alone cannot tell "nothing new"
// from "a new server with as many messages". The catch-up therefore starts
// one message early, at the last one shown: if the server's message at that
// seq has another timestamp, the room's history is new and is shown whole.
class RoomTracker {
public:
    struct JoinOutcome {
        bool catch_up = false;       // ask for history since `since`
        std::int64_t since = 0;
        bool history_reset = false;  // the room's seq went backwards: a new server
    };

    struct CatchUpStep {
        std::vector<ChatMessage> show;  // in seq order, none shown before
        std::int64_t missed = 0;        // > 0: messages the server no longer keeps
        bool truncated = false;
        bool more = false;              // ask again with since = next_since
        std::int64_t next_since = 0;
        bool history_reset = false;     // the last message shown is not the server's: a new server
    };

    // A join reply. `latest_seq` is the room's newest seq.
    JoinOutcome on_joined(const std::string& room, std::int64_t latest_seq);
    void on_left(const std::string& room);

    // A live `message` event: what to show now (nothing for a duplicate or
    // while the room is still catching up).
    std::vector<ChatMessage> on_live(const ChatMessage& msg);

    // The server confirmed our own `say`: every earlier message of the room
    // has already reached us, so the seq can advance.
    void on_own_say(const std::string& room, std::int64_t seq, std::int64_t ts);

    // The timestamp of message `seq`, learnt after joining a room whose
    // latest message we have not seen (so a later restart can be detected).
    void learn_ts(const std::string& room, std::int64_t seq, std::int64_t ts);

    CatchUpStep on_history(const std::string& room, const std::vector<ChatMessage>& messages,
                           bool truncated, std::int64_t latest_seq);

    // The connection dropped. Rooms stay remembered for the reconnect.
    void on_disconnect();

    bool joined(const std::string& room) const { return rooms_.count(room) != 0; }
    bool catching_up(const std::string& room) const;
    const std::vector<std::string>& rooms() const { return order_; }
    const std::string& current() const { return current_; }
    bool switch_to(const std::string& room);
    std::int64_t last_seq(const std::string& room) const;

private:
    struct RoomState {
        std::int64_t last_seq = 0;
        std::int64_t last_ts = 0;    // of the message at last_seq; 0: not known
        std::int64_t verify_ts = 0;  // during catch-up: the ts expected at last_seq
        bool connected = false;      // joined on the present connection
        bool catching_up = false;
        std::map<std::int64_t, ChatMessage> held;  // live messages during catch-up
    };
    std::vector<ChatMessage> release_held(RoomState& state);
    static void advance(RoomState& state, const ChatMessage& m);

    std::map<std::string, RoomState> rooms_;
    std::vector<std::string> order_;
    std::string current_;
};

}  // namespace parley::client
