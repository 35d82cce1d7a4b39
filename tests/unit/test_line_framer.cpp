#include "parley/line_framer.hpp"

#include <string>
#include <vector>

#include "doctest.hpp"

using parley::LineFramer;

namespace {

// What a feed produced, in order. An over-long line shows up as kOversize so
// that tests also see where it fell relative to the frames around it.
const std::string kOversize = "<frame_too_large>";

struct Run {
    std::vector<std::string> out;
    std::size_t max_buffered = 0;
};

Run feed_chunks(LineFramer& framer, const std::vector<std::string>& chunks) {
    Run run;
    for (const auto& chunk : chunks) {
        framer.feed(
            chunk,
            [&](std::string_view frame) {
                run.out.emplace_back(frame);
                return true;
            },
            [&] { run.out.push_back(kOversize); });
        run.max_buffered = std::max(run.max_buffered, framer.buffered());
    }
    return run;
}

Run feed_whole(std::size_t max_frame, const std::string& bytes) {
    LineFramer framer(max_frame);
    return feed_chunks(framer, {bytes});
}

Run feed_bytewise(std::size_t max_frame, const std::string& bytes) {
    LineFramer framer(max_frame);
    std::vector<std::string> chunks;
    for (char c : bytes) chunks.emplace_back(1, c);
    return feed_chunks(framer, chunks);
}

using Lines = std::vector<std::string>;

// max_frame 8 keeps the limits visible; the mix covers CRLF, blank lines,
// exact-limit lines and over-long lines with and without a CR.
const std::string kCorpus = std::string("hello\r\n") + "\n" + "   \t\r\n" + "world\n" + "12345678\n" +
                            "12345678\r\n" + "123456789\n" + "after\n" + std::string(20, 'x') + "\n" +
                            "ok\r\n" + "1234567890\r\n" + "\r\n" + "a\rb\n" + "tail";
const Lines kCorpusFrames = {"hello",   "world", "12345678", "12345678", kOversize, "after",
                             kOversize, "ok",    kOversize,  "a\rb"};

}  // namespace

TEST_CASE("framer: one frame, many frames per feed, unterminated tail kept") {
    CHECK(feed_whole(64, "ping\n").out == Lines{"ping"});
    CHECK(feed_whole(64, "a\nb\nc\n").out == Lines{"a", "b", "c"});

    LineFramer framer(64);
    auto run = feed_chunks(framer, {"one\ntw"});
    CHECK(run.out == Lines{"one"});
    CHECK(framer.buffered() == 2);
    run = feed_chunks(framer, {"o\n"});
    CHECK(run.out == Lines{"two"});
    CHECK(framer.buffered() == 0);
}

TEST_CASE("framer: only a CR right before the LF is dropped") {
    CHECK(feed_whole(64, "a\r\n").out == Lines{"a"});
    CHECK(feed_whole(64, "a\rb\n").out == Lines{"a\rb"});
    CHECK(feed_whole(64, "a\r\r\n").out == Lines{"a\r"});
    CHECK(feed_whole(64, "\ra\n").out == Lines{"\ra"});
}

TEST_CASE("framer: empty and blank lines are ignored, other spaces are kept") {
    CHECK(feed_whole(64, "\n\r\n \n\t\n \t \r\n").out.empty());
    CHECK(feed_whole(64, " a \n").out == Lines{" a "});
    CHECK(feed_whole(64, "\t{}\t\n").out == Lines{"\t{}\t"});
    // A form feed or vertical tab is not blank: it is a frame (and a text command).
    CHECK(feed_whole(64, "\f\n").out == Lines{"\f"});
}

TEST_CASE("framer: the corpus gives the expected frames in one read") {
    auto run = feed_whole(8, kCorpus);
    CHECK(run.out == kCorpusFrames);
}

TEST_CASE("framer: every single cut gives the same frames as one read") {
    for (std::size_t cut = 0; cut <= kCorpus.size(); ++cut) {
        CAPTURE(cut);
        LineFramer framer(8);
        auto run = feed_chunks(framer, {kCorpus.substr(0, cut), kCorpus.substr(cut)});
        CHECK(run.out == kCorpusFrames);
        CHECK(framer.buffered() == 4);  // "tail"
    }
}

TEST_CASE("framer: every pair of cuts gives the same frames as one read") {
    for (std::size_t i = 0; i <= kCorpus.size(); ++i) {
        for (std::size_t j = i; j <= kCorpus.size(); ++j) {
            LineFramer framer(8);
            auto run = feed_chunks(framer, {kCorpus.substr(0, i), kCorpus.substr(i, j - i), kCorpus.substr(j)});
            if (run.out != kCorpusFrames) {
                CAPTURE(i);
                CAPTURE(j);
                FAIL_CHECK("frames depend on where the bytes were cut");
            }
        }
    }
}

TEST_CASE("framer: one byte per read gives the same frames as one read") {
    auto run = feed_bytewise(8, kCorpus);
    CHECK(run.out == kCorpusFrames);
    CHECK(run.max_buffered <= 9);
}

TEST_CASE("framer: a line of exactly max_frame bytes is accepted") {
    const std::string exact(8, 'e');
    for (const std::string& input : {exact + "\n", exact + "\r\n"}) {
        CAPTURE(input);
        CHECK(feed_whole(8, input).out == Lines{exact});
        CHECK(feed_bytewise(8, input).out == Lines{exact});
        for (std::size_t cut = 0; cut <= input.size(); ++cut) {
            LineFramer framer(8);
            CHECK(feed_chunks(framer, {input.substr(0, cut), input.substr(cut)}).out == Lines{exact});
        }
    }
}

TEST_CASE("framer: one byte over max_frame is one oversize, with or without CR") {
    const std::string over(9, 'o');
    for (const std::string& input : {over + "\nnext\n", over + "\r\nnext\n"}) {
        CAPTURE(input);
        CHECK(feed_whole(8, input).out == Lines{kOversize, "next"});
        CHECK(feed_bytewise(8, input).out == Lines{kOversize, "next"});
    }
}

TEST_CASE("framer: an over-long line spread over many reads is reported once and skipped to its LF") {
    LineFramer framer(16);
    std::vector<std::string> chunks(50, std::string(7, 'z'));
    auto run = feed_chunks(framer, chunks);
    CHECK(run.out == Lines{kOversize});
    CHECK(run.max_buffered <= 17);

    // The rest of the line, however long, is dropped silently.
    run = feed_chunks(framer, {"zzzz", "zzz\nafter\n"});
    CHECK(run.out == Lines{"after"});
    CHECK(framer.buffered() == 0);
}

TEST_CASE("framer: an over-long line inside one big read") {
    auto run = feed_whole(16, "a\n" + std::string(1000, 'q') + "\nb\n");
    CHECK(run.out == Lines{"a", kOversize, "b"});
}

TEST_CASE("framer: two over-long lines in a row give two callbacks") {
    const std::string big(30, 'w');
    CHECK(feed_whole(8, big + "\n" + big + "\nok\n").out == Lines{kOversize, kOversize, "ok"});
    CHECK(feed_bytewise(8, big + "\n" + big + "\nok\n").out == Lines{kOversize, kOversize, "ok"});
}

TEST_CASE("framer: buffered() never exceeds max_frame + 1") {
    const std::size_t max = 32;
    SUBCASE("byte by byte, no LF ever") {
        LineFramer framer(max);
        for (int i = 0; i < 500; ++i) {
            framer.feed("x", [](std::string_view) { return true; }, [] {});
            REQUIRE(framer.buffered() <= max + 1);
        }
    }
    SUBCASE("big reads without LF") {
        LineFramer framer(max);
        for (int i = 0; i < 10; ++i) {
            framer.feed(std::string(100, 'y'), [](std::string_view) { return true; }, [] {});
            REQUIRE(framer.buffered() <= max + 1);
        }
    }
    SUBCASE("partial lines that end just under the limit") {
        LineFramer framer(max);
        framer.feed(std::string(max, 'a') + "\r", [](std::string_view) { return true; }, [] {});
        CHECK(framer.buffered() == max + 1);
    }
}

TEST_CASE("framer: on_frame returning false drops the rest of that read") {
    LineFramer framer(64);
    Lines seen;
    auto stop_at_b = [&](std::string_view f) {
        seen.emplace_back(f);
        return f != "b";
    };
    framer.feed("a\nb\nc\nd\n", stop_at_b, [] {});
    CHECK(seen == Lines{"a", "b"});

    // The same holds when the stopping frame was gathered from two reads.
    LineFramer split(64);
    seen.clear();
    split.feed("a\nb", stop_at_b, [] {});
    split.feed("\nc\n", stop_at_b, [] {});
    CHECK(seen == Lines{"a", "b"});
}

TEST_CASE("framer: feed reports how many bytes it used") {
    LineFramer framer(64);
    auto keep = [](std::string_view) { return true; };
    CHECK(framer.feed("a\nb\npartial", keep, [] {}) == 11);
    auto stop_at_b = [](std::string_view f) { return f != "partialb"; };
    // Used up to and including the LF of the line that said stop.
    CHECK(framer.feed("b\nc\nd\n", stop_at_b, [] {}) == 2);
    CHECK(framer.buffered() == 0);
    CHECK(framer.feed("c\n", keep, [] {}) == 2);
}

TEST_CASE("framer: a CR inside the line counts toward its length") {
    // Only a CR right before the LF is free; this one is content.
    auto run = feed_whole(8, std::string(8, 'c') + "\rX\n");
    CHECK(run.out == Lines{kOversize});
}

TEST_CASE("framer: max_frame is reported back") { CHECK(LineFramer(1234).max_frame() == 1234); }
