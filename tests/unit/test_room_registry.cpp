// The room registry: names, membership and who is told what (PROTOCOL.md,
// "Names and rooms" and "Events"). History has its own file.
#include "parley/room_registry.hpp"

#include <deque>
#include <string>

#include "doctest.hpp"
#include "fakes.hpp"

using namespace parley;
using parley::test::FakeClock;
using parley::test::RecordingParticipant;

namespace {

struct Registry {
    explicit Registry(RegistryLimits limits = {}) : reg(limits, clock) {}

    RecordingParticipant& connect() {
        auto& p = people.emplace_back();
        reg.add(p);
        return p;
    }
    RecordingParticipant& connect(std::string_view nick) {
        auto& p = connect();
        REQUIRE(reg.set_nick(p, nick).ok());
        return p;
    }
    void join(Participant& p, std::string_view room) { REQUIRE(reg.join(p, room).ok()); }
    void clear_events() {
        for (auto& p : people) p.clear();
    }

    FakeClock clock;
    RoomRegistry reg;
    std::deque<RecordingParticipant> people;  // deque: stable addresses
};

template <class T>
ErrorCode error_of(const Result<T>& r) {
    REQUIRE_FALSE(r.ok());
    return r.failure().code;
}

using Nicks = std::vector<std::string>;

}  // namespace

TEST_CASE("registry: new connections are named guestN with N unique") {
    Registry r;
    auto& a = r.connect();
    auto& b = r.connect();
    CHECK(a.nick() == "guest1");
    CHECK(b.nick() == "guest2");
    CHECK(a.registered());
    CHECK(r.reg.participant_count() == 2);

    // A renamed guest's old name is not handed out again.
    REQUIRE(r.reg.set_nick(a, "alice").ok());
    CHECK(r.connect().nick() == "guest3");
}

TEST_CASE("registry: guestN skips names already taken, in any case") {
    Registry r;
    auto& a = r.connect();                    // guest1
    REQUIRE(r.reg.set_nick(a, "GUEST2").ok());  // a free guestN can be taken
    REQUIRE(r.reg.set_nick(r.connect(), "guest4").ok());  // was guest3
    CHECK(r.connect().nick() == "guest5");
}

TEST_CASE("registry: set_nick validates and keeps nicks unique case-insensitively") {
    Registry r;
    auto& a = r.connect("alice");
    auto& b = r.connect();

    CHECK(error_of(r.reg.set_nick(b, "")) == ErrorCode::invalid_nick);
    CHECK(error_of(r.reg.set_nick(b, "has space")) == ErrorCode::invalid_nick);
    CHECK(error_of(r.reg.set_nick(b, "a@b")) == ErrorCode::invalid_nick);
    CHECK(error_of(r.reg.set_nick(b, std::string(33, 'n'))) == ErrorCode::invalid_nick);
    CHECK(error_of(r.reg.set_nick(b, "alice")) == ErrorCode::nick_taken);
    CHECK(error_of(r.reg.set_nick(b, "ALICE")) == ErrorCode::nick_taken);
    CHECK(b.nick() == "guest2");

    auto ok = r.reg.set_nick(b, "bob");
    REQUIRE(ok.ok());
    CHECK(ok.value().nick == "bob");
    // The old name is free again.
    CHECK(r.reg.set_nick(r.connect(), "guest2").ok());

    // Changing the case of one's own nick is allowed, and the new spelling sticks.
    auto recased = r.reg.set_nick(a, "Alice");
    REQUIRE(recased.ok());
    CHECK(recased.value().nick == "Alice");
    CHECK(a.nick() == "Alice");
    CHECK(error_of(r.reg.set_nick(b, "alice")) == ErrorCode::nick_taken);
    CHECK(r.reg.msg(b, "alice", "hi").value().to == "Alice");
}

TEST_CASE("registry: the nick event goes once to each client sharing a room, never to self") {
    Registry r;
    auto& a = r.connect("alice");
    auto& b = r.connect("bob");    // shares two rooms with alice
    auto& c = r.connect("carol");  // shares one
    auto& d = r.connect("dave");   // shares none
    r.join(a, "one");
    r.join(a, "two");
    r.join(b, "one");
    r.join(b, "two");
    r.join(c, "two");
    r.join(d, "three");
    r.clear_events();

    REQUIRE(r.reg.set_nick(a, "alicia").ok());
    for (auto* p : {&b, &c}) {
        auto nicks = p->of<ev::NickChanged>();
        REQUIRE(nicks.size() == 1);
        CHECK(nicks[0].old_nick == "alice");
        CHECK(nicks[0].nick == "alicia");
        CHECK(p->events.size() == 1);
    }
    CHECK(a.events.empty());
    CHECK(d.events.empty());

    // Setting the same nick again changes nothing and tells nobody.
    r.clear_events();
    REQUIRE(r.reg.set_nick(a, "alicia").ok());
    CHECK(b.events.empty());
    // A case change is a change: the others are told.
    REQUIRE(r.reg.set_nick(a, "Alicia").ok());
    CHECK(b.of<ev::NickChanged>().size() == 1);
}

TEST_CASE("registry: join answers sorted members including self, and tells the others") {
    Registry r;
    auto& zed = r.connect("zed");
    auto& bob = r.connect("Bob");
    auto& alice = r.connect("alice");
    auto& emile = r.connect("\xc3\x89mile");

    auto first = r.reg.join(zed, "lobby");
    REQUIRE(first.ok());
    CHECK(first.value().room == "lobby");
    CHECK(first.value().members == Nicks{"zed"});
    CHECK(first.value().seq == 0);
    r.join(bob, "lobby");
    r.join(emile, "lobby");
    r.clear_events();

    auto joined = r.reg.join(alice, "lobby");
    REQUIRE(joined.ok());
    // By code point: upper case before lower case, É (U+00C9) after z.
    CHECK(joined.value().members == Nicks{"Bob", "alice", "zed", "\xc3\x89mile"});
    CHECK(alice.events.empty());
    for (auto* p : {&zed, &bob, &emile}) {
        auto events = p->of<ev::Joined>();
        REQUIRE(events.size() == 1);
        CHECK(events[0].room == "lobby");
        CHECK(events[0].nick == "alice");
    }
}

TEST_CASE("registry: re-joining changes nothing but the current room") {
    Registry r;
    auto& a = r.connect("alice");
    auto& b = r.connect("bob");
    r.join(a, "one");
    r.join(a, "two");
    r.join(b, "one");
    REQUIRE(r.reg.say(a, "one", "x").ok());
    r.clear_events();

    auto again = r.reg.join(a, "one");
    REQUIRE(again.ok());
    CHECK(again.value().members == Nicks{"alice", "bob"});
    CHECK(again.value().seq == 1);
    CHECK(b.events.empty());
    REQUIRE(a.rooms().size() == 2);
    CHECK(a.rooms().back()->name() == "one");
    CHECK(r.reg.who("one").value().members == Nicks{"alice", "bob"});
}

TEST_CASE("registry: invalid room names and too_many_rooms") {
    Registry r(RegistryLimits{.max_rooms_per_client = 2});
    auto& a = r.connect();
    CHECK(error_of(r.reg.join(a, "")) == ErrorCode::invalid_room);
    CHECK(error_of(r.reg.join(a, "two words")) == ErrorCode::invalid_room);
    CHECK(error_of(r.reg.join(a, "bell\x07")) == ErrorCode::invalid_room);
    CHECK(error_of(r.reg.join(a, std::string(65, 'r'))) == ErrorCode::invalid_room);
    CHECK(r.reg.join(a, std::string(64, 'r')).ok());
    CHECK(r.reg.join(a, "second").ok());
    CHECK(error_of(r.reg.join(a, "third")) == ErrorCode::too_many_rooms);
    CHECK(a.rooms().size() == 2);
    CHECK(r.reg.who("third").value().members.empty());
    // At the limit, re-joining a room one is in still succeeds.
    CHECK(r.reg.join(a, "second").ok());
    REQUIRE(r.reg.leave(a, "second").ok());
    CHECK(r.reg.join(a, "third").ok());
}

TEST_CASE("registry: rooms are compared exactly") {
    Registry r;
    auto& a = r.connect();
    r.join(a, "Lobby");
    CHECK(error_of(r.reg.say(a, "lobby", "x")) == ErrorCode::not_in_room);
    CHECK(r.reg.who("lobby").value().members.empty());
}

TEST_CASE("registry: leave tells the remaining members; leaving twice is not_in_room") {
    Registry r;
    auto& a = r.connect("alice");
    auto& b = r.connect("bob");
    r.join(a, "lobby");
    r.join(b, "lobby");
    r.clear_events();

    auto left = r.reg.leave(a, "lobby");
    REQUIRE(left.ok());
    CHECK(left.value().room == "lobby");
    auto events = b.of<ev::Left>();
    REQUIRE(events.size() == 1);
    CHECK(events[0].room == "lobby");
    CHECK(events[0].nick == "alice");
    CHECK(events[0].reason == LeaveReason::leave);
    CHECK(a.events.empty());
    CHECK(a.rooms().empty());

    CHECK(error_of(r.reg.leave(a, "lobby")) == ErrorCode::not_in_room);
    CHECK(error_of(r.reg.leave(a, "nowhere")) == ErrorCode::not_in_room);
    CHECK(error_of(r.reg.leave(a, "not valid")) == ErrorCode::not_in_room);
}

TEST_CASE("registry: say numbers messages from 1 and delivers to everyone but the sender") {
    Registry r;
    auto& a = r.connect("alice");
    auto& b = r.connect("bob");
    auto& c = r.connect("carol");
    auto& outsider = r.connect("dave");
    r.join(a, "lobby");
    r.join(b, "lobby");
    r.join(c, "lobby");
    r.clear_events();

    for (std::uint64_t expected = 1; expected <= 3; ++expected) {
        r.clock.advance(10);
        auto said = r.reg.say(a, "lobby", "msg " + std::to_string(expected));
        REQUIRE(said.ok());
        CHECK(said.value().room == "lobby");
        CHECK(said.value().seq == expected);
        CHECK(said.value().ts == r.clock.wall);
    }
    CHECK(a.events.empty());
    CHECK(outsider.events.empty());
    for (auto* p : {&b, &c}) {
        auto messages = p->of<ev::Message>();
        REQUIRE(messages.size() == 3);
        CHECK(messages[2].room == "lobby");
        CHECK(messages[2].from == "alice");
        CHECK(messages[2].text == "msg 3");
        CHECK(messages[2].seq == 3);
        CHECK(messages[2].ts == r.clock.wall);
    }
    // Each room counts on its own.
    r.join(a, "other");
    CHECK(r.reg.say(a, "other", "x").value().seq == 1);
}

TEST_CASE("registry: say outside the room, or with empty text, fails") {
    Registry r;
    auto& a = r.connect();
    auto& b = r.connect();
    r.join(b, "lobby");
    CHECK(error_of(r.reg.say(a, "lobby", "x")) == ErrorCode::not_in_room);
    CHECK(error_of(r.reg.say(a, "nowhere", "x")) == ErrorCode::not_in_room);
    CHECK(error_of(r.reg.say(b, "lobby", "")) == ErrorCode::bad_request);
    CHECK(b.events.empty());
    CHECK(r.reg.history("lobby", {}, {}).value().seq == 0);
}

TEST_CASE("registry: msg reaches the addressee by any case and reports the registered spelling") {
    Registry r;
    auto& a = r.connect("alice");
    auto& b = r.connect("BoB");
    r.clock.advance(5);
    auto sent = r.reg.msg(a, "bob", "psst");
    REQUIRE(sent.ok());
    CHECK(sent.value().to == "BoB");
    CHECK(sent.value().ts == r.clock.wall);
    auto got = b.of<ev::Private>();
    REQUIRE(got.size() == 1);
    CHECK(got[0].from == "alice");
    CHECK(got[0].to == "BoB");
    CHECK(got[0].text == "psst");
    CHECK(got[0].ts == r.clock.wall);
    CHECK(a.events.empty());

    CHECK(error_of(r.reg.msg(a, "nobody", "x")) == ErrorCode::no_such_nick);
    r.reg.remove(b, LeaveReason::disconnect);
    CHECK(error_of(r.reg.msg(a, "bob", "x")) == ErrorCode::no_such_nick);
}

TEST_CASE("registry: who of a room, with or without members, needs no membership") {
    Registry r;
    auto& a = r.connect("alice");
    auto& b = r.connect("Bob");
    auto& outsider = r.connect();
    r.join(a, "lobby");
    r.join(b, "lobby");
    (void)outsider;

    auto who = r.reg.who("lobby");
    REQUIRE(who.ok());
    CHECK(who.value().room == "lobby");
    CHECK(who.value().members == Nicks{"Bob", "alice"});

    auto empty = r.reg.who("never-used");
    REQUIRE(empty.ok());
    CHECK(empty.value().room == "never-used");
    CHECK(empty.value().members.empty());

    CHECK(error_of(r.reg.who("")) == ErrorCode::invalid_room);
    CHECK(error_of(r.reg.who("a b")) == ErrorCode::invalid_room);
}

TEST_CASE("registry: rooms lists occupied rooms sorted by name with member counts") {
    Registry r;
    auto& a = r.connect();
    auto& b = r.connect();
    r.join(a, "zulu");
    r.join(a, "Alpha");
    r.join(b, "zulu");
    r.join(b, "\xc3\xa9t\xc3\xa9");
    r.join(b, "beta");
    REQUIRE(r.reg.say(b, "beta", "keeps history").ok());
    REQUIRE(r.reg.leave(b, "beta").ok());  // empty now, but its history is kept

    auto rooms = r.reg.rooms().rooms;
    REQUIRE(rooms.size() == 3);
    CHECK(rooms[0].name == "Alpha");
    CHECK(rooms[0].members == 1);
    CHECK(rooms[1].name == "zulu");
    CHECK(rooms[1].members == 2);
    CHECK(rooms[2].name == "\xc3\xa9t\xc3\xa9");
    CHECK(r.reg.occupied_room_count() == 3);

    r.reg.remove(a, LeaveReason::quit);
    r.reg.remove(b, LeaveReason::quit);
    CHECK(r.reg.rooms().rooms.empty());
    CHECK(r.reg.occupied_room_count() == 0);
}

TEST_CASE("registry: remove leaves every room with the reason and frees the nick") {
    for (auto reason : {LeaveReason::quit, LeaveReason::disconnect}) {
        Registry r;
        auto& a = r.connect("alice");
        auto& b = r.connect("bob");
        auto& c = r.connect("carol");
        r.join(a, "one");
        r.join(a, "two");
        r.join(b, "one");
        r.join(c, "two");
        r.clear_events();

        r.reg.remove(a, reason);
        for (auto* p : {&b, &c}) {
            auto left = p->of<ev::Left>();
            REQUIRE(left.size() == 1);
            CHECK(left[0].nick == "alice");
            CHECK(left[0].reason == reason);
        }
        CHECK(b.of<ev::Left>()[0].room == "one");
        CHECK(c.of<ev::Left>()[0].room == "two");
        CHECK_FALSE(a.registered());
        CHECK(a.rooms().empty());
        CHECK(r.reg.participant_count() == 2);
        CHECK(r.reg.who("one").value().members == Nicks{"bob"});
        CHECK(r.reg.set_nick(b, "alice").ok());

        // A second remove is harmless and tells nobody anything.
        r.clear_events();
        r.reg.remove(a, reason);
        CHECK(b.events.empty());
        CHECK(r.reg.participant_count() == 2);
    }
}

TEST_CASE("registry: broadcast reaches every registered participant") {
    Registry r;
    auto& a = r.connect();
    auto& b = r.connect();
    auto& gone = r.connect();
    r.join(a, "lobby");
    r.reg.remove(gone, LeaveReason::quit);
    r.reg.broadcast(OutgoingEvent(ev::Shutdown{ShutdownReason::signal}));
    CHECK(a.of<ev::Shutdown>().size() == 1);
    CHECK(b.of<ev::Shutdown>().size() == 1);
    CHECK(gone.events.empty());
}
