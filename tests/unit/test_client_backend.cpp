// A Client in front of a backend that answers later (cluster mode): later
// frames wait, replies still leave in request order, and held input stays
// bounded by pausing the socket.
#include <string>

#include "doctest.hpp"
#include "fakes.hpp"
#include "parley/chat_backend.hpp"

using namespace parley;
using parley::test::TestConn;
using parley::test::TestServer;
using nlohmann::json;

namespace {

// Answers hello-style requests at once and holds every chat request until
// the test calls answer().
class DeferringBackend final : public ChatBackend {
public:
    bool attach_at_once = true;
    std::vector<std::pair<Client*, Request>> waiting;
    std::vector<LeaveReason> detached;

    bool attach(Client& client) override {
        if (attach_at_once) set_name(client, "guest" + std::to_string(++named_));
        return attach_at_once;
    }
    void name_later(Client& client) {
        set_name(client, "late" + std::to_string(++named_));
        client.resume();
    }
    void detach(Client&, LeaveReason reason) override { detached.push_back(reason); }
    std::optional<Reply> execute(Client& client, const Request& request) override {
        waiting.emplace_back(&client, request);
        return std::nullopt;
    }
    std::optional<std::string> current_room(const Client&) const override { return "lobby"; }
    void broadcast(const OutgoingEvent&) override {}
    void fill_stats(ServerStats&) const override {}
    void housekeeping() override {}

    // Completes the oldest waiting request with ok (a Leave payload naming
    // its room, enough to tell replies apart).
    void answer() {
        REQUIRE_FALSE(waiting.empty());
        auto [client, request] = waiting.front();
        waiting.erase(waiting.begin());
        Reply reply = reply_to(request);
        reply.outcome = OkPayload{ok::Leave{request.room}};
        client->complete(std::move(reply));
    }

private:
    int named_ = 0;
};

struct Cluster {
    Cluster() {
        auto owned = std::make_unique<DeferringBackend>();
        backend = owned.get();
        server.dispatcher.use_backend(std::move(owned));
    }
    TestServer server;
    DeferringBackend* backend;
};

std::vector<json> ids_of(const std::vector<json>& replies) {
    std::vector<json> ids;
    for (const auto& r : replies) ids.push_back(r.value("id", json()));
    return ids;
}

}  // namespace

TEST_CASE("backend: frames after a deferred request wait, and replies keep request order") {
    Cluster c;
    TestConn a(c.server);
    a.client.receive(
        "{\"type\":\"join\",\"room\":\"one\",\"id\":1}\n"
        "{\"type\":\"ping\",\"id\":2}\n"
        "{\"type\":\"join\",\"room\":\"two\",\"id\":3}\n"
        "{\"type\":\"echo\",\"text\":\"x\",\"id\":4}\n");
    CHECK(a.client.awaiting());
    CHECK(a.transport.sent.empty());  // the ping must not overtake the join
    REQUIRE(c.backend->waiting.size() == 1);

    c.backend->answer();  // join one; then ping runs, join two waits
    CHECK(ids_of(a.transport.json()) == std::vector<json>{1, 2});
    CHECK(a.client.awaiting());
    REQUIRE(c.backend->waiting.size() == 1);
    CHECK(c.backend->waiting[0].second.room == "two");

    c.backend->answer();
    auto replies = a.transport.json();
    CHECK(ids_of(replies) == std::vector<json>{1, 2, 3, 4});
    CHECK(replies[2]["room"] == "two");
    CHECK_FALSE(a.client.awaiting());
}

TEST_CASE("backend: input that arrives while waiting is held, split lines included") {
    Cluster c;
    TestConn a(c.server);
    a.line(R"({"type":"join","room":"one","id":1})");
    a.client.receive("{\"type\":\"pi");
    a.client.receive("ng\",\"id\":2}\n{\"type\":\"ec");
    CHECK(a.transport.sent.empty());
    CHECK(a.client.buffered_input() > 0);
    c.backend->answer();
    CHECK(ids_of(a.transport.json()) == std::vector<json>{1, 2});
    a.client.receive("ho\",\"text\":\"t\",\"id\":3}\n");
    CHECK(ids_of(a.transport.json()) == std::vector<json>{1, 2, 3});
}

TEST_CASE("backend: held input past a frame and a read pauses the socket until the answer") {
    ProtocolConfig config;
    config.max_frame = 1024;
    config.rate = 0;
    TestServer server(config);
    auto owned = std::make_unique<DeferringBackend>();
    auto* backend = owned.get();
    server.dispatcher.use_backend(std::move(owned));
    TestConn a(server);

    a.line(R"({"type":"join","room":"one"})");
    std::string ping = "{\"type\":\"ping\"}\n";
    std::size_t sent = 0;
    while (a.transport.pauses == 0 && sent < 1'000'000) {
        a.client.receive(ping);
        sent += ping.size();
    }
    REQUIRE(a.transport.pauses == 1);
    CHECK(a.client.buffered_input() <= 1024 + 64 * 1024 + ping.size());
    CHECK(a.transport.resumes == 0);

    backend->answer();
    CHECK(a.transport.resumes == 1);
    CHECK(a.transport.json().size() == 1 + sent / ping.size());
}

TEST_CASE("backend: a connection named later holds its frames until named") {
    Cluster c;
    c.backend->attach_at_once = false;
    TestConn a(c.server);
    CHECK(a.client.awaiting());
    a.line(R"({"type":"hello","id":"h"})");
    CHECK(a.transport.sent.empty());

    c.backend->name_later(a.client);
    json hello = a.transport.last_json();
    CHECK(hello["id"] == "h");
    CHECK(hello["nick"] == "late1");
}

TEST_CASE("backend: text commands without a room use the backend's current room") {
    Cluster c;
    TestConn a(c.server);
    a.line("said to the current room");
    REQUIRE(c.backend->waiting.size() == 1);
    CHECK(c.backend->waiting[0].second.room == "lobby");
    CHECK(c.backend->waiting[0].second.type == RequestType::say);
}

TEST_CASE("backend: quit and disconnect reach the backend with their reason") {
    Cluster c;
    {
        TestConn a(c.server);
        a.line(R"({"type":"quit"})");
        CHECK(a.transport.close_calls == 1);
    }
    REQUIRE_FALSE(c.backend->detached.empty());
    CHECK(c.backend->detached.front() == LeaveReason::quit);
    CHECK(c.backend->detached.back() == LeaveReason::disconnect);
}
