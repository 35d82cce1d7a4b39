// The outgoing queue: shared frames, partial writes, and the byte count the
// slow-consumer limit reads.
#include "parley/write_queue.hpp"

#include <array>
#include <memory>
#include <string>

#include "doctest.hpp"

using parley::SharedFrame;
using parley::WriteQueue;

namespace {

SharedFrame frame(std::string s) { return std::make_shared<const std::string>(std::move(s)); }

// Drains the queue the way a socket that takes `step` bytes per write would.
std::string drain(WriteQueue& q, std::size_t step, std::size_t max_views = 4) {
    std::string out;
    std::array<std::string_view, 16> views{};
    while (!q.empty()) {
        std::size_t n = q.gather(std::span(views.data(), max_views), 1 << 20);
        REQUIRE(n > 0);
        std::string gathered;
        for (std::size_t i = 0; i < n; ++i) gathered.append(views[i]);
        std::size_t take = std::min(step, gathered.size());
        out.append(gathered, 0, take);
        std::size_t before = q.pending_bytes();
        q.consume(take);
        REQUIRE(q.pending_bytes() == before - take);
    }
    return out;
}

}  // namespace

TEST_CASE("write queue: pending bytes and empty") {
    WriteQueue q;
    CHECK(q.empty());
    CHECK(q.pending_bytes() == 0);
    q.push(frame("abc\n"));
    q.push(frame(""));  // nothing to send, nothing to count
    q.push(frame("de\n"));
    CHECK_FALSE(q.empty());
    CHECK(q.pending_bytes() == 7);
    std::array<std::string_view, 8> views{};
    REQUIRE(q.gather(views, 1000) == 2);
    CHECK(views[0] == "abc\n");
    CHECK(views[1] == "de\n");
}

TEST_CASE("write queue: gather respects the number of slots") {
    WriteQueue q;
    for (int i = 0; i < 5; ++i) q.push(frame("x\n"));
    std::array<std::string_view, 3> views{};
    CHECK(q.gather(views, 1000) == 3);
    CHECK(q.gather(std::span(views.data(), 0), 1000) == 0);
}

TEST_CASE("write queue: gather stops adding views once max_bytes is reached") {
    WriteQueue q;
    for (int i = 0; i < 10; ++i) q.push(frame(std::string(10, 'a')));
    std::array<std::string_view, 16> views{};
    std::size_t n = q.gather(views, 25);
    REQUIRE(n >= 1);
    std::size_t before_last = 0;
    for (std::size_t i = 0; i + 1 < n; ++i) before_last += views[i].size();
    CHECK(before_last < 25);
    CHECK(before_last + views[n - 1].size() >= 25);
    CHECK(n < 10);
}

TEST_CASE("write queue: partial writes across frame boundaries give back every byte in order") {
    std::string expected;
    for (std::size_t step : {1u, 2u, 3u, 5u, 7u, 64u, 1000u}) {
        CAPTURE(step);
        WriteQueue q;
        expected.clear();
        for (int i = 0; i < 40; ++i) {
            std::string f = "frame " + std::to_string(i) + std::string(static_cast<std::size_t>(i % 7), '.') + "\n";
            expected += f;
            q.push(frame(f));
        }
        CHECK(q.pending_bytes() == expected.size());
        CHECK(drain(q, step) == expected);
        CHECK(q.empty());
    }
}

TEST_CASE("write queue: a partly written frame resumes where it stopped") {
    WriteQueue q;
    q.push(frame("hello\n"));
    q.push(frame("world\n"));
    q.consume(3);
    std::array<std::string_view, 4> views{};
    REQUIRE(q.gather(views, 1000) == 2);
    CHECK(views[0] == "lo\n");
    CHECK(views[1] == "world\n");
    q.consume(3);  // exactly the end of the first frame
    REQUIRE(q.gather(views, 1000) == 1);
    CHECK(views[0] == "world\n");
    q.push(frame("!\n"));
    q.consume(7);  // across the boundary into the new frame
    REQUIRE(q.gather(views, 1000) == 1);
    CHECK(views[0] == "\n");
    CHECK(q.pending_bytes() == 1);
}

TEST_CASE("write queue: a frame is shared between queues and released once written everywhere") {
    SharedFrame f = frame("fan-out\n");
    std::weak_ptr<const std::string> watch = f;
    WriteQueue a, b;
    a.push(f);
    b.push(f);
    f.reset();
    std::array<std::string_view, 1> va{}, vb{};
    a.gather(va, 100);
    b.gather(vb, 100);
    CHECK(va[0].data() == vb[0].data());  // the same bytes, not a copy

    a.consume(8);
    CHECK_FALSE(watch.expired());
    b.consume(8);
    CHECK(watch.expired());
}

TEST_CASE("write queue: long runs keep working as the written prefix is dropped") {
    WriteQueue q;
    std::string expected;
    std::string written;
    for (int round = 0; round < 20; ++round) {
        for (int i = 0; i < 50; ++i) {
            std::string f = std::to_string(round) + ":" + std::to_string(i) + "\n";
            expected += f;
            q.push(frame(f));
        }
        // Write a bit less than was added, so the queue never quite empties.
        std::size_t target = q.pending_bytes() > 40 ? q.pending_bytes() - 40 : 0;
        std::array<std::string_view, 8> views{};
        while (q.pending_bytes() > target) {
            std::size_t n = q.gather(views, 1 << 20);
            std::size_t len = std::min<std::size_t>(views[0].size(), q.pending_bytes() - target);
            written.append(views[0].substr(0, len));
            q.consume(len);
            (void)n;
        }
    }
    written += drain(q, 13);
    CHECK(written == expected);
}

TEST_CASE("write queue: clear drops everything") {
    WriteQueue q;
    q.push(frame("a\n"));
    q.push(frame("b\n"));
    q.consume(1);
    q.clear();
    CHECK(q.empty());
    CHECK(q.pending_bytes() == 0);
    std::array<std::string_view, 4> views{};
    CHECK(q.gather(views, 100) == 0);
    q.push(frame("c\n"));
    REQUIRE(q.gather(views, 100) == 1);
    CHECK(views[0] == "c\n");
}

TEST_CASE("write queue: appended replies and pushed events keep their order") {
    WriteQueue q;
    q.append("r1\n");
    q.append("");  // nothing to send, nothing to count
    q.append("r2\n");
    q.push(frame("event\n"));
    q.append("r3\n");
    CHECK(q.pending_bytes() == 15);
    std::array<std::string_view, 8> views{};
    REQUIRE(q.gather(views, 1000) == 3);  // the two replies share one buffer
    CHECK(views[0] == "r1\nr2\n");
    CHECK(views[1] == "event\n");
    CHECK(views[2] == "r3\n");
    CHECK(drain(q, 4) == "r1\nr2\nevent\nr3\n");
}

TEST_CASE("write queue: bytes gathered for a write stay put while more replies arrive") {
    WriteQueue q;
    q.append("first\n");
    std::array<std::string_view, 4> views{};
    REQUIRE(q.gather(views, 1000) == 1);
    const std::string_view in_flight = views[0];
    // Enough to force any buffer still open for appends to grow and move.
    for (int i = 0; i < 100; ++i) q.append(std::string(1000, 'x') + "\n");
    CHECK(in_flight == "first\n");  // a use after free here is caught by ASan
    q.consume(in_flight.size());
    REQUIRE(q.gather(views, 1 << 20) >= 1);
    CHECK(views[0].substr(0, 3) == "xxx");
    CHECK(q.pending_bytes() == 100 * 1001);
}

TEST_CASE("write queue: a partly written reply buffer takes no more appends") {
    WriteQueue q;
    q.append("abcdef\n");
    std::array<std::string_view, 4> views{};
    REQUIRE(q.gather(views, 1000) == 1);
    q.consume(3);
    q.append("next\n");
    CHECK(drain(q, 2) == "def\nnext\n");
}
