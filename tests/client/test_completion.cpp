#include <doctest/doctest.h>

#include "completion.h"

using parley::client::complete_word;
using Words = std::vector<std::string>;

TEST_CASE("slash commands complete at the start of the line") {
    CHECK(complete_word("/jo", true, {}) == Words{"/join"});
    CHECK(complete_word("/S", true, {}) == Words{"/stats", "/switch"});
    CHECK(complete_word("/", true, {}).size() == 15);
    CHECK(complete_word("/zz", true, {}).empty());
}

TEST_CASE("other words complete to nicks, ignoring ASCII case") {
    Words nicks{"bob", "Bobby", "alice", "bob"};
    CHECK(complete_word("bo", false, nicks) == Words{"Bobby", "bob"});
    CHECK(complete_word("BOBB", true, nicks) == Words{"Bobby"});
    CHECK(complete_word("/jo", false, nicks).empty());  // not at the start: not a command
    CHECK(complete_word("", false, {"x"}) == Words{"x"});
}

namespace {

parley::client::CandidateFn fixed(Words words) {
    return [words](const std::string& word, bool first) {
        return complete_word(word, first, words);
    };
}

}  // namespace

TEST_CASE("Tab on a line: one candidate, a common prefix, a list, nothing") {
    using parley::client::complete_line;
    auto one = complete_line("/jo", 3, fixed({}));
    CHECK(one.line == "/join ");
    CHECK(one.point == 6);
    CHECK(one.choices.empty());

    auto nick = complete_line("hi ali how", 6, fixed({"alice"}));
    CHECK(nick.line == "hi alice  how");
    CHECK(nick.point == 9);

    auto prefix = complete_line("bo", 2, fixed({"bobby", "bobcat"}));
    CHECK(prefix.line == "bob");
    CHECK(prefix.point == 3);

    auto list = complete_line("bob", 3, fixed({"bobby", "bobcat"}));
    CHECK(list.line == "bob");
    CHECK(list.choices == Words{"bobby", "bobcat"});

    auto cased = complete_line("BOBB", 4, fixed({"Bobby"}));
    CHECK(cased.line == "Bobby ");

    auto none = complete_line("zz", 2, fixed({"bob"}));
    CHECK(none.line == "zz");
    CHECK(none.choices.empty());

    CHECK(complete_line("  /st", 5, fixed({})).line == "  /stats ");  // leading blanks: still first
}
