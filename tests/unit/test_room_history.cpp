// History windows, truncation and how long an empty room remembers
// (PROTOCOL.md, "History" and "Names and rooms").
#include <deque>
#include <limits>
#include <string>

#include "doctest.hpp"
#include "fakes.hpp"
#include "parley/room_registry.hpp"

using namespace parley;
using parley::test::FakeClock;
using parley::test::RecordingParticipant;

namespace {

constexpr std::int64_t kRetention = 5 * 60 * 1000;

struct Lobby {
    explicit Lobby(std::size_t history = 100) : reg(RegistryLimits{.history = history}, clock) {
        reg.add(speaker);
        REQUIRE(reg.join(speaker, "lobby").ok());
    }
    // Says `n` more messages, "m<seq>" each, one ms apart.
    void say(int n) {
        for (int i = 0; i < n; ++i) {
            clock.advance(1);
            auto seq = reg.history("lobby", {}, {}).value().seq + 1;
            REQUIRE(reg.say(speaker, "lobby", "m" + std::to_string(seq)).ok());
        }
    }
    ok::History read(std::optional<std::uint64_t> since, std::optional<std::uint64_t> limit = {}) {
        auto h = reg.history("lobby", since, limit);
        REQUIRE(h.ok());
        return h.value();
    }

    FakeClock clock;
    RoomRegistry reg;
    RecordingParticipant speaker;
};

using Seqs = std::vector<std::uint64_t>;

Seqs seqs(const ok::History& h) {
    Seqs out;
    for (const auto& m : h.messages) out.push_back(m.seq);
    return out;
}

Seqs range(std::uint64_t first, std::uint64_t last) {
    Seqs out;
    for (auto s = first; s <= last; ++s) out.push_back(s);
    return out;
}

}  // namespace

TEST_CASE("history: a valid room never used answers ok and empty; an invalid name does not") {
    FakeClock clock;
    RoomRegistry reg({}, clock);
    auto h = reg.history("quiet", {}, {});
    REQUIRE(h.ok());
    CHECK(h.value().room == "quiet");
    CHECK(h.value().messages.empty());
    CHECK(h.value().seq == 0);
    CHECK_FALSE(h.value().truncated);
    CHECK(reg.history("quiet", 5, 5).ok());
    REQUIRE_FALSE(reg.history("no good", {}, {}).ok());
    CHECK(reg.history("no good", {}, {}).failure().code == ErrorCode::invalid_room);
    CHECK(reg.history("", {}, {}).failure().code == ErrorCode::invalid_room);
}

TEST_CASE("history: entries carry from, text, seq and ts, oldest first") {
    Lobby r;
    r.say(3);
    auto h = r.read({});
    CHECK(h.room == "lobby");
    CHECK(h.seq == 3);
    REQUIRE(h.messages.size() == 3);
    CHECK(h.messages[0].from == r.speaker.nick());
    CHECK(h.messages[0].text == "m1");
    CHECK(h.messages[2].text == "m3");
    CHECK(h.messages[2].ts == r.clock.wall);
    CHECK(h.messages[0].ts == r.clock.wall - 2);
    CHECK(seqs(h) == Seqs{1, 2, 3});
}

TEST_CASE("history without since: the last `limit` messages, 50 by default") {
    Lobby r;
    r.say(60);
    CHECK(seqs(r.read({})) == range(11, 60));
    CHECK(seqs(r.read({}, 3)) == range(58, 60));
    CHECK(seqs(r.read({}, 1000)) == range(1, 60));
    CHECK(r.read({}, 0).messages.empty());
    CHECK(r.read({}, 0).seq == 60);
    CHECK_FALSE(r.read({}, 3).truncated);  // nothing was dropped, only not asked for
}

TEST_CASE("history without since: limit is capped at --history, truncated once older ones are dropped") {
    Lobby r(20);
    r.say(20);
    CHECK(seqs(r.read({}, 1000)) == range(1, 20));
    CHECK_FALSE(r.read({}).truncated);

    r.say(5);
    auto h = r.read({}, 1000);
    CHECK(seqs(h) == range(6, 25));
    CHECK(h.truncated);
    CHECK(h.seq == 25);
    CHECK(r.read({}, 2).truncated);
}

TEST_CASE("history with since: the first `limit` messages after since") {
    Lobby r;
    r.say(80);
    CHECK(seqs(r.read(0)) == range(1, 50));
    CHECK(seqs(r.read(10, 5)) == range(11, 15));
    CHECK(seqs(r.read(70)) == range(71, 80));
    CHECK(seqs(r.read(79, 10)) == Seqs{80});
    CHECK(r.read(0, 0).messages.empty());
    CHECK_FALSE(r.read(10, 5).truncated);

    // Caught up, or asking beyond the end: nothing, and nothing is missing.
    for (std::uint64_t since : {80u, 81u, 1000u}) {
        CAPTURE(since);
        auto h = r.read(since);
        CHECK(h.messages.empty());
        CHECK_FALSE(h.truncated);
        CHECK(h.seq == 80);
    }
}

TEST_CASE("history with since: truncated exactly when messages after since were dropped") {
    Lobby r(5);
    r.say(10);  // seqs 6..10 are kept
    auto h = r.read(2);
    CHECK(seqs(h) == range(6, 10));
    CHECK(h.truncated);
    CHECK(r.read(4).truncated);  // 5 is gone
    CHECK_FALSE(r.read(5).truncated);
    CHECK(seqs(r.read(5)) == range(6, 10));
    CHECK_FALSE(r.read(8).truncated);
    CHECK(seqs(r.read(0, 2)) == Seqs{6, 7});
    CHECK(r.read(0, 2).truncated);
}

TEST_CASE("history with since: the largest since is caught up, not truncated") {
    Lobby r(5);
    r.say(10);
    auto h = r.read(std::numeric_limits<std::uint64_t>::max());
    CHECK(h.messages.empty());
    CHECK_FALSE(h.truncated);
}

TEST_CASE("history: with --history 0 nothing is kept, but seq still counts") {
    Lobby r(0);
    r.say(3);
    auto h = r.read({});
    CHECK(h.messages.empty());
    CHECK(h.seq == 3);
    CHECK(h.truncated);
    CHECK(r.read(0).truncated);
    CHECK_FALSE(r.read(3).truncated);
}

TEST_CASE("history: anyone may read it, members or not") {
    Lobby r;
    r.say(2);
    RecordingParticipant outsider;
    r.reg.add(outsider);
    CHECK(seqs(r.read({})) == Seqs{1, 2});
    CHECK(outsider.events.empty());
}

TEST_CASE("history: an empty room keeps its history for the retention, then drops it") {
    Lobby r;
    r.say(3);
    REQUIRE(r.reg.leave(r.speaker, "lobby").ok());
    CHECK(r.reg.rooms().rooms.empty());

    r.clock.advance(kRetention - 1);
    r.reg.expire_empty_rooms();
    CHECK(seqs(r.read({})) == Seqs{1, 2, 3});
    CHECK(r.reg.who("lobby").value().members.empty());

    r.clock.advance(1);
    r.reg.expire_empty_rooms();
    auto h = r.read({});
    CHECK(h.messages.empty());
    CHECK(h.seq == 3);
    CHECK(h.truncated);
    CHECK(r.read(1).truncated);
}

TEST_CASE("history: a room in use is never expired") {
    Lobby r;
    r.say(2);
    r.clock.advance(10 * kRetention);
    r.reg.expire_empty_rooms();
    CHECK(seqs(r.read({})) == Seqs{1, 2});
}

TEST_CASE("history: seq is never reused after a room empties and fills again") {
    Lobby r;
    r.say(3);
    REQUIRE(r.reg.leave(r.speaker, "lobby").ok());

    SUBCASE("refilled before expiry: history continues") {
        r.clock.advance(1000);
        auto joined = r.reg.join(r.speaker, "lobby");
        REQUIRE(joined.ok());
        CHECK(joined.value().seq == 3);
        r.say(1);
        CHECK(seqs(r.read({})) == Seqs{1, 2, 3, 4});
    }
    SUBCASE("refilled after expiry: seq goes on from where it was") {
        r.clock.advance(kRetention);
        r.reg.expire_empty_rooms();
        auto joined = r.reg.join(r.speaker, "lobby");
        REQUIRE(joined.ok());
        CHECK(joined.value().seq == 3);
        r.say(1);
        auto h = r.read({});
        CHECK(seqs(h) == Seqs{4});
        CHECK(h.truncated);
        CHECK_FALSE(r.read(3).truncated);
    }
    SUBCASE("expiry while refilled does not touch it, even when it empties again later") {
        REQUIRE(r.reg.join(r.speaker, "lobby").ok());
        r.clock.advance(kRetention);
        REQUIRE(r.reg.leave(r.speaker, "lobby").ok());
        r.reg.expire_empty_rooms();  // empty for 0 ms, not for the retention
        CHECK(seqs(r.read({})) == Seqs{1, 2, 3});
    }
}

TEST_CASE("history: a room that never had a message is forgotten when it empties") {
    FakeClock clock;
    RoomRegistry reg({}, clock);
    RecordingParticipant p;
    reg.add(p);
    REQUIRE(reg.join(p, "fleeting").ok());
    REQUIRE(reg.leave(p, "fleeting").ok());
    auto h = reg.history("fleeting", {}, {});
    REQUIRE(h.ok());
    CHECK(h.value().seq == 0);
    CHECK_FALSE(h.value().truncated);
    CHECK(reg.join(p, "fleeting").value().seq == 0);
}
