#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "room_tracker.h"

using namespace parley::client;

namespace {

ChatMessage msg(const std::string& room, std::int64_t seq) {
    return ChatMessage{room, "bob", "m" + std::to_string(seq), seq, 1000 * seq};
}

std::vector<std::int64_t> seqs(const std::vector<ChatMessage>& v) {
    std::vector<std::int64_t> out;
    for (const auto& m : v) out.push_back(m.seq);
    return out;
}

std::vector<ChatMessage> range(const std::string& room, std::int64_t from, std::int64_t to) {
    std::vector<ChatMessage> out;
    for (auto s = from; s <= to; ++s) out.push_back(msg(room, s));
    return out;
}

using Seqs = std::vector<std::int64_t>;

}  // namespace

TEST_CASE("a first join starts at the present and becomes current") {
    RoomTracker t;
    auto out = t.on_joined("lobby", 41);
    CHECK_FALSE(out.catch_up);
    CHECK(t.last_seq("lobby") == 41);
    CHECK(t.current() == "lobby");
    CHECK(seqs(t.on_live(msg("lobby", 42))) == Seqs{42});
    CHECK(t.on_live(msg("lobby", 42)).empty());  // duplicate
    CHECK(t.on_live(msg("lobby", 40)).empty());  // old
    CHECK(t.on_live(msg("other", 1)).empty());   // not joined
}

TEST_CASE("leaving the current room falls back to the most recently joined") {
    RoomTracker t;
    t.on_joined("a", 0);
    t.on_joined("b", 0);
    t.on_joined("c", 0);
    CHECK(t.current() == "a");  // joining does not switch by itself
    CHECK(t.switch_to("c"));
    CHECK_FALSE(t.switch_to("zzz"));
    t.on_left("c");
    CHECK(t.current() == "b");
    t.on_left("a");
    CHECK(t.current() == "b");
    t.on_left("b");
    CHECK(t.current().empty());
    CHECK(t.rooms().empty());
}

TEST_CASE("reconnect: catch up, hold racing live messages, show each once in order") {
    RoomTracker t;
    t.on_joined("r", 3);
    CHECK(seqs(t.on_live(msg("r", 4))) == Seqs{4});
    t.on_disconnect();

    auto out = t.on_joined("r", 8);  // 5..8 were said while we were away
    REQUIRE(out.catch_up);
    CHECK(out.since == 3);  // from the last message shown, to check it is the same
    CHECK(t.catching_up("r"));
    // Live messages that beat the history reply are held back.
    CHECK(t.on_live(msg("r", 9)).empty());
    CHECK(t.on_live(msg("r", 10)).empty());

    auto step = t.on_history("r", range("r", 4, 9), false, 10);
    CHECK_FALSE(step.history_reset);
    CHECK_FALSE(step.more);
    CHECK_FALSE(step.truncated);
    CHECK(seqs(step.show) == Seqs{5, 6, 7, 8, 9, 10});
    CHECK_FALSE(t.catching_up("r"));
    CHECK(seqs(t.on_live(msg("r", 11))) == Seqs{11});
}

TEST_CASE("catch-up pages until the room's latest seq") {
    RoomTracker t;
    t.on_joined("r", 0);
    t.on_disconnect();
    t.on_joined("r", 250);
    auto first = t.on_history("r", range("r", 1, 100), false, 250);
    CHECK(first.more);
    CHECK(first.next_since == 100);
    CHECK(first.show.size() == 100);
    auto second = t.on_history("r", range("r", 101, 200), false, 250);
    CHECK(second.more);
    auto third = t.on_history("r", range("r", 201, 250), false, 250);
    CHECK_FALSE(third.more);
    CHECK(third.show.front().seq == 201);
    CHECK(t.last_seq("r") == 250);
}

TEST_CASE("truncated history reports how many messages are gone") {
    RoomTracker t;
    t.on_joined("r", 10);
    t.on_disconnect();
    t.on_joined("r", 200);
    auto step = t.on_history("r", range("r", 101, 200), true, 200);
    CHECK(step.truncated);
    CHECK(step.missed == 90);  // 11..100
    CHECK(step.show.size() == 100);
    CHECK_FALSE(step.more);
}

TEST_CASE("a room whose seq went backwards belongs to a new server") {
    RoomTracker t;
    t.on_joined("r", 50);
    t.on_disconnect();
    auto out = t.on_joined("r", 2);
    CHECK(out.history_reset);
    REQUIRE(out.catch_up);
    CHECK(out.since == 0);
    auto step = t.on_history("r", range("r", 1, 2), false, 2);
    CHECK(seqs(step.show) == Seqs{1, 2});
}

TEST_CASE("nothing missed: no catch-up") {
    RoomTracker t;
    t.on_joined("r", 5);
    t.on_disconnect();
    auto out = t.on_joined("r", 5);
    CHECK_FALSE(out.catch_up);
    CHECK_FALSE(t.catching_up("r"));
    CHECK(seqs(t.on_live(msg("r", 6))) == Seqs{6});
}

TEST_CASE("held messages survive a second disconnect during catch-up") {
    RoomTracker t;
    t.on_joined("r", 1);
    t.on_disconnect();
    t.on_joined("r", 3);
    CHECK(t.on_live(msg("r", 4)).empty());
    t.on_disconnect();  // lost again before the history reply
    auto out = t.on_joined("r", 5);
    REQUIRE(out.catch_up);
    CHECK(out.since == 1);
    auto step = t.on_history("r", range("r", 2, 5), false, 5);
    CHECK(seqs(step.show) == Seqs{2, 3, 4, 5});
}

TEST_CASE("own say advances the seq so history does not repeat it") {
    RoomTracker t;
    t.on_joined("r", 0);
    t.on_own_say("r", 1, 1000);
    CHECK(t.last_seq("r") == 1);
    t.on_disconnect();
    auto out = t.on_joined("r", 1);
    REQUIRE(out.catch_up);  // only to check that message 1 is still ours
    CHECK(out.since == 0);
    auto step = t.on_history("r", range("r", 1, 1), false, 1);
    CHECK(step.show.empty());
    CHECK_FALSE(step.more);
    CHECK_FALSE(t.catching_up("r"));
}

TEST_CASE("a restarted server with as many messages is told apart by timestamp") {
    RoomTracker t;
    t.on_joined("r", 0);
    t.on_live(msg("r", 1));
    t.on_disconnect();
    auto out = t.on_joined("r", 1);  // same latest seq, different server
    REQUIRE(out.catch_up);
    ChatMessage other{"r", "eve", "new server", 1, 999'999};
    auto first = t.on_history("r", {other}, false, 1);
    CHECK(first.history_reset);
    CHECK(first.show.empty());
    REQUIRE(first.more);
    CHECK(first.next_since == 0);
    auto second = t.on_history("r", {other}, false, 1);
    REQUIRE(second.show.size() == 1);
    CHECK(second.show[0].text == "new server");
    CHECK_FALSE(second.more);
}

TEST_CASE("a restarted server with more messages is shown from its start") {
    RoomTracker t;
    t.on_joined("r", 3);
    t.on_live(msg("r", 4));
    t.on_disconnect();
    auto out = t.on_joined("r", 10);
    CHECK(out.since == 3);
    auto fresh = range("r", 1, 10);
    for (auto& m : fresh) m.ts += 7;  // same seqs, other moments
    auto first = t.on_history("r", std::vector<ChatMessage>(fresh.begin() + 3, fresh.end()), false, 10);
    CHECK(first.history_reset);
    auto second = t.on_history("r", fresh, false, 10);
    CHECK(seqs(second.show) == Seqs{1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
}

TEST_CASE("the last message no longer kept proves nothing: carry on") {
    RoomTracker t;
    t.on_joined("r", 0);
    t.on_live(msg("r", 1));
    t.on_disconnect();
    t.on_joined("r", 300);
    auto step = t.on_history("r", range("r", 201, 300), true, 300);
    CHECK_FALSE(step.history_reset);
    CHECK(step.missed == 199);  // 2..200
    CHECK(step.show.size() == 100);
}

TEST_CASE("re-joining a room on the same connection keeps its place") {
    RoomTracker t;
    t.on_joined("r", 3);
    t.on_live(msg("r", 4));
    auto out = t.on_joined("r", 4);
    CHECK_FALSE(out.catch_up);
    CHECK(t.last_seq("r") == 4);
    CHECK(t.rooms().size() == 1);
}

TEST_CASE("a learnt timestamp arms the restart check for a room with no message shown") {
    RoomTracker t;
    t.on_joined("r", 5);
    t.learn_ts("r", 4, 1);  // not the latest: ignored
    t.learn_ts("r", 5, 5000);
    t.on_disconnect();
    auto out = t.on_joined("r", 9);
    REQUIRE(out.catch_up);
    CHECK(out.since == 4);
    auto fresh = range("r", 5, 9);
    fresh[0].ts = 1;  // seq 5 is someone else's now
    CHECK(t.on_history("r", fresh, false, 9).history_reset);
}
