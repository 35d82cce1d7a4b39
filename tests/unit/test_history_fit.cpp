// History replies cut to a byte budget: the newest kept without `since`, the
// oldest with it, and the encoded reply within the budget in both modes.
#include <string>

#include "doctest.hpp"
#include "fakes.hpp"
#include "parley/history_fit.hpp"
#include "parley/json_codec.hpp"
#include "parley/text_codec.hpp"

using namespace parley;
using parley::test::TestConn;
using parley::test::TestServer;

namespace {

ok::History history_of(int count, std::size_t text_bytes) {
    ok::History h{"room", {}, static_cast<std::uint64_t>(count), false};
    for (int i = 1; i <= count; ++i)
        h.messages.push_back({"nick", std::string(text_bytes, '\x01'), static_cast<std::uint64_t>(i), 1000 + i});
    return h;
}

std::size_t encoded_size(const ok::History& h, Mode mode) {
    Reply r;
    r.for_type = RequestType::history;
    r.for_name = "history";
    r.outcome = OkPayload{h};
    return mode == Mode::json ? json_codec::encode(r).size() : text_codec::encode(r).size();
}

}  // namespace

TEST_CASE("history fit: a reply within the budget is left alone") {
    auto h = history_of(10, 100);
    CHECK(fit_history(h, Mode::json, false, 1 << 20) == 0);
    CHECK(h.messages.size() == 10);
    CHECK_FALSE(h.truncated);
}

TEST_CASE("history fit: without since the newest messages are kept and truncated is set") {
    for (Mode mode : {Mode::json, Mode::text}) {
        auto h = history_of(50, 1000);  // control bytes: 6 bytes each in JSON
        std::size_t budget = encoded_size(h, mode) / 3;
        std::size_t dropped = fit_history(h, mode, false, budget);
        CHECK(dropped > 0);
        CHECK(dropped < 50);
        CHECK(h.truncated);
        CHECK(encoded_size(h, mode) <= budget);
        CHECK(h.messages.back().seq == 50);
        CHECK(h.messages.front().seq == dropped + 1);
    }
}

TEST_CASE("history fit: with since the oldest after it are kept, truncated unchanged") {
    auto h = history_of(50, 1000);
    std::size_t budget = encoded_size(h, Mode::json) / 4;
    std::size_t dropped = fit_history(h, Mode::json, true, budget);
    CHECK_FALSE(h.truncated);
    CHECK(encoded_size(h, Mode::json) <= budget);
    CHECK(h.messages.front().seq == 1);
    CHECK(h.messages.size() == 50 - dropped);
    CHECK(h.seq == 50);  // tells the client there is more after its last
}

TEST_CASE("history fit: a budget smaller than one message leaves none") {
    auto h = history_of(3, 5000);
    CHECK(fit_history(h, Mode::json, false, 1000) == 3);
    CHECK(h.messages.empty());
}

TEST_CASE("history fit: the client cuts history replies to max_reply") {
    ProtocolConfig config;
    config.rate = 0;
    config.max_reply = 64 * 1024;
    TestServer server(config);
    TestConn a(server), reader(server);
    a.line(R"({"type":"join","room":"r"})");
    std::string text(20000, 'x');
    for (int i = 0; i < 20; ++i) a.line(R"({"type":"say","room":"r","text":")" + text + "\"}");

    reader.line(R"({"type":"history","room":"r","id":1})");
    auto reply = reader.transport.last_json();
    CHECK(reply["type"] == "ok");
    CHECK(reader.transport.last_line().size() <= config.max_reply);
    CHECK(reply["truncated"] == true);
    CHECK(reply["messages"].back()["seq"] == 20);
    CHECK(reply["messages"].size() < 20);

    reader.line(R"({"type":"history","room":"r","since":0,"id":2})");
    reply = reader.transport.last_json();
    CHECK(reply["truncated"] == false);
    CHECK(reply["messages"][0]["seq"] == 1);
    CHECK(reply["messages"].size() < 20);
}
