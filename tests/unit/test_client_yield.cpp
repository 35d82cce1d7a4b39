// A connection gives up the loop after Client::kFramesPerTurn frames, and
// while its own output is backlogged; what it held runs, in order, when the
// transport calls continue_input().
#include <string>

#include "doctest.hpp"
#include "fakes.hpp"

using namespace parley;
using parley::test::TestConn;
using parley::test::TestServer;

namespace {

ProtocolConfig unlimited() {
    ProtocolConfig c;
    c.rate = 0;  // every frame runs; the rate limit is not what is tested here
    return c;
}

std::string pings(int from, int to) {
    std::string out;
    for (int i = from; i <= to; ++i) out += R"({"type":"ping","id":)" + std::to_string(i) + "}\n";
    return out;
}

// The ids of every reply, in the order they were sent.
std::vector<int> reply_ids(const TestConn& c) {
    std::vector<int> ids;
    for (const auto& j : c.transport.json()) ids.push_back(j["id"].get<int>());
    return ids;
}

std::vector<int> range(int from, int to) {
    std::vector<int> out;
    for (int i = from; i <= to; ++i) out.push_back(i);
    return out;
}

}  // namespace

TEST_CASE("yield: a turn runs at most kFramesPerTurn frames, the rest follows in order") {
    TestServer server(unlimited());
    TestConn a(server);
    a.transport.takes_yields = true;
    constexpr int n = Client::kFramesPerTurn * 2 + 100;

    a.client.receive(pings(1, n));
    CHECK(a.transport.yields == 1);
    CHECK(reply_ids(a) == range(1, Client::kFramesPerTurn));

    // More input while yielded waits behind what is held.
    a.client.receive(pings(n + 1, n + 3));
    CHECK(reply_ids(a).size() == Client::kFramesPerTurn);

    a.client.continue_input();
    CHECK(a.transport.yields == 2);
    CHECK(reply_ids(a) == range(1, 2 * Client::kFramesPerTurn));
    a.client.continue_input();
    CHECK(reply_ids(a) == range(1, n + 3));
    CHECK(a.client.buffered_input() == 0);
}

TEST_CASE("yield: a frame split across the yield point and later reads arrives whole") {
    TestServer server(unlimited());
    TestConn a(server);
    a.transport.takes_yields = true;
    std::string bytes = pings(1, Client::kFramesPerTurn + 1);
    std::string tail = R"({"type":"ping","id":)";
    a.client.receive(bytes + tail);  // the last frame is cut
    a.client.receive("99999}\n");
    a.client.continue_input();
    auto ids = reply_ids(a);
    REQUIRE(ids.size() == Client::kFramesPerTurn + 2);
    CHECK(ids.back() == 99999);
}

TEST_CASE("yield: a transport that does not take yields gets every frame at once") {
    TestServer server(unlimited());
    TestConn a(server);
    constexpr int n = Client::kFramesPerTurn * 3;
    a.client.receive(pings(1, n));
    CHECK(a.transport.yields == 3);  // asked at each 512th frame; told to carry on
    CHECK(reply_ids(a) == range(1, n));
}

TEST_CASE("yield: a backlogged output stops the client's requests after the current one") {
    TestServer server(unlimited());
    TestConn a(server);
    a.transport.takes_yields = true;
    a.transport.backlogged = true;
    a.client.receive(pings(1, 5));
    CHECK(reply_ids(a) == range(1, 1));
    CHECK(a.client.buffered_input() > 0);

    a.transport.backlogged = false;  // the peer read its replies
    a.client.continue_input();
    CHECK(reply_ids(a) == range(1, 5));
}

TEST_CASE("yield: held input past a frame and a read's worth pauses reading until continued") {
    TestServer server(unlimited());
    TestConn a(server);
    a.transport.takes_yields = true;
    a.transport.backlogged = true;
    a.client.receive(pings(1, 2));
    CHECK(a.transport.pauses == 0);
    std::string big = pings(3, 10000);  // well over a frame (64 KiB) and a read (64 KiB)
    a.client.receive(big);
    CHECK(a.transport.pauses == 1);

    a.transport.backlogged = false;
    a.client.continue_input();
    CHECK(a.transport.resumes == 1);
    for (int turn = 0; turn < 100 && reply_ids(a).size() < 10000; ++turn) a.client.continue_input();
    CHECK(reply_ids(a) == range(1, 10000));
}

TEST_CASE("yield: continue_input without a yield does nothing") {
    TestServer server(unlimited());
    TestConn a(server);
    a.client.continue_input();
    a.client.receive(pings(1, 1));
    CHECK(reply_ids(a) == range(1, 1));
}
