#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace parley::client {

// Tab completion for the interactive client: a slash command at the start of
// the line, otherwise a nick among those seen. Matching ignores ASCII case,
// as the server does for nicks. Results are sorted and unique.
std::vector<std::string> complete_word(std::string_view word, bool first_word,
                                       const std::vector<std::string>& nicks);

// What pressing Tab does to a line with the cursor at `point` (a byte offset).
struct CompletionEdit {
    std::string line;                  // the line afterwards
    std::size_t point = 0;             // the cursor afterwards
    std::vector<std::string> choices;  // several candidates, nothing to add: show them
};

using CandidateFn = std::function<std::vector<std::string>(const std::string& word, bool first_word)>;

// One candidate: it replaces the word, followed by a space. Several: the word
// grows to their longest common prefix, or, if it already is that, the
// candidates are listed. None: nothing changes.
CompletionEdit complete_line(std::string_view line, std::size_t point, const CandidateFn& candidates);

}  // namespace parley::client
