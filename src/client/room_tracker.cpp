#include "room_tracker.h"

#include <algorithm>

namespace parley::client {

RoomTracker::JoinOutcome RoomTracker::on_joined(const std::string& room, std::int64_t latest_seq) {
    JoinOutcome out;
    auto [it, fresh] = rooms_.try_emplace(room);
    RoomState& state = it->second;
    if (fresh) {
        // A first join starts at the present: older messages are /history.
        state.last_seq = latest_seq;
        order_.push_back(room);
    } else {
        // Back in a room we were in before (after a reconnect) or re-joined.
        order_.erase(std::remove(order_.begin(), order_.end(), room), order_.end());
        order_.push_back(room);
        if (latest_seq < state.last_seq) {
            // Seqs never go back within one server run: this is a new server,
            // whose messages all are news to us.
            out.history_reset = true;
            state.last_seq = 0;
            state.last_ts = 0;
            state.held.clear();
        }
        if (!state.connected && state.last_seq > 0 && state.last_ts != 0) {
            // Fetch from the last message shown, to check it is still the same.
            out.catch_up = true;
            out.since = state.last_seq - 1;
            state.verify_ts = state.last_ts;
            state.catching_up = true;
        } else if (latest_seq > state.last_seq && !state.connected) {
            out.catch_up = true;
            out.since = state.last_seq;
            state.catching_up = true;
        }
    }
    state.connected = true;
    if (current_.empty() || !joined(current_)) current_ = room;
    return out;
}

void RoomTracker::on_left(const std::string& room) {
    rooms_.erase(room);
    order_.erase(std::remove(order_.begin(), order_.end(), room), order_.end());
    // Like the server's text mode: the most recently joined room left.
    if (current_ == room) current_ = order_.empty() ? std::string() : order_.back();
}

std::vector<ChatMessage> RoomTracker::on_live(const ChatMessage& msg) {
    auto it = rooms_.find(msg.room);
    if (it == rooms_.end()) return {};
    RoomState& state = it->second;
    if (msg.seq <= state.last_seq) return {};
    if (state.catching_up) {
        state.held.emplace(msg.seq, msg);
        return {};
    }
    advance(state, msg);
    return {msg};
}

void RoomTracker::on_own_say(const std::string& room, std::int64_t seq, std::int64_t ts) {
    auto it = rooms_.find(room);
    if (it == rooms_.end() || it->second.catching_up || seq <= it->second.last_seq) return;
    it->second.last_seq = seq;
    it->second.last_ts = ts;
}

void RoomTracker::learn_ts(const std::string& room, std::int64_t seq, std::int64_t ts) {
    auto it = rooms_.find(room);
    if (it == rooms_.end() || it->second.last_seq != seq || it->second.last_ts != 0) return;
    it->second.last_ts = ts;
}

void RoomTracker::advance(RoomState& state, const ChatMessage& m) {
    state.last_seq = m.seq;
    state.last_ts = m.ts;
}

RoomTracker::CatchUpStep RoomTracker::on_history(const std::string& room,
                                                 const std::vector<ChatMessage>& messages,
                                                 bool truncated, std::int64_t latest_seq) {
    CatchUpStep step;
    auto it = rooms_.find(room);
    if (it == rooms_.end()) return step;
    RoomState& state = it->second;

    std::vector<ChatMessage> sorted = messages;
    std::sort(sorted.begin(), sorted.end(),
              [](const ChatMessage& a, const ChatMessage& b) { return a.seq < b.seq; });
    if (state.verify_ts != 0) {
        std::int64_t expected = state.verify_ts;
        state.verify_ts = 0;
        auto same_seq = std::find_if(sorted.begin(), sorted.end(), [&](const ChatMessage& m) {
            return m.seq == state.last_seq;
        });
        // Not there at all (no longer kept) proves nothing either way.
        if (same_seq != sorted.end() && same_seq->ts != expected) {
            state.last_seq = 0;
            state.last_ts = 0;
            state.held.clear();
            step.history_reset = true;
            step.more = true;
            step.next_since = 0;
            return step;
        }
    }
    if (truncated) {
        std::int64_t first_kept = sorted.empty() ? latest_seq + 1 : sorted.front().seq;
        step.truncated = true;
        step.missed = std::max<std::int64_t>(0, first_kept - state.last_seq - 1);
    }
    for (const ChatMessage& m : sorted) {
        if (m.seq <= state.last_seq) continue;
        advance(state, m);
        step.show.push_back(m);
    }
    // Live messages held since the join may already continue the history.
    for (auto it = state.held.begin(); it != state.held.end() && it->first <= state.last_seq + 1;) {
        if (it->first == state.last_seq + 1) {
            advance(state, it->second);
            step.show.push_back(std::move(it->second));
        }
        it = state.held.erase(it);
    }
    if (!sorted.empty() && state.last_seq < latest_seq) {
        step.more = true;
        step.next_since = state.last_seq;
        return step;
    }
    auto held = release_held(state);
    step.show.insert(step.show.end(), held.begin(), held.end());
    return step;
}

std::vector<ChatMessage> RoomTracker::release_held(RoomState& state) {
    std::vector<ChatMessage> out;
    for (auto& [seq, msg] : state.held) {
        if (seq <= state.last_seq) continue;
        advance(state, msg);
        out.push_back(std::move(msg));
    }
    state.held.clear();
    state.catching_up = false;
    return out;
}

void RoomTracker::on_disconnect() {
    // Held messages stay: the next catch-up merges them with what history
    // returns, which matters if the server has dropped them by then.
    for (auto& [name, state] : rooms_) {
        state.connected = false;
        state.catching_up = false;
        state.verify_ts = 0;
    }
}

bool RoomTracker::catching_up(const std::string& room) const {
    auto it = rooms_.find(room);
    return it != rooms_.end() && it->second.catching_up;
}

bool RoomTracker::switch_to(const std::string& room) {
    if (!joined(room)) return false;
    current_ = room;
    return true;
}

std::int64_t RoomTracker::last_seq(const std::string& room) const {
    auto it = rooms_.find(room);
    return it == rooms_.end() ? 0 : it->second.last_seq;
}

}  // namespace parley::client
