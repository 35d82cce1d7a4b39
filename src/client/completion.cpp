#include "completion.h"

#include <algorithm>

#include "input_parser.h"

namespace parley::client {
namespace {

char fold(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool starts_with_folded(std::string_view text, std::string_view prefix) {
    if (prefix.size() > text.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i)
        if (fold(text[i]) != fold(prefix[i])) return false;
    return true;
}

}  // namespace

std::vector<std::string> complete_word(std::string_view word, bool first_word,
                                       const std::vector<std::string>& nicks) {
    std::vector<std::string> out;
    if (first_word && word.starts_with("/")) {
        for (const auto& name : command_names())
            if (starts_with_folded("/" + name, word)) out.push_back("/" + name);
    } else {
        for (const auto& nick : nicks)
            if (starts_with_folded(nick, word)) out.push_back(nick);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

}  // namespace parley::client

namespace parley::client {

CompletionEdit complete_line(std::string_view line, std::size_t point, const CandidateFn& candidates) {
    point = std::min(point, line.size());
    CompletionEdit edit{std::string(line), point, {}};
    std::size_t start = point;
    while (start > 0 && line[start - 1] != ' ' && line[start - 1] != '\t') --start;
    bool first_word = line.substr(0, start).find_first_not_of(" \t") == std::string_view::npos;
    std::string word(line.substr(start, point - start));
    auto found = candidates ? candidates(word, first_word) : std::vector<std::string>{};
    if (found.empty()) return edit;

    std::string replacement;
    if (found.size() == 1) {
        replacement = found.front() + " ";
    } else {
        // The longest prefix all candidates share, ignoring case, spelled as
        // the first candidate spells it.
        std::size_t common = found.front().size();
        for (const auto& c : found) {
            std::size_t i = 0;
            while (i < common && i < c.size() && fold(c[i]) == fold(found.front()[i])) ++i;
            common = i;
        }
        if (common <= word.size()) {
            edit.choices = std::move(found);
            return edit;
        }
        replacement = found.front().substr(0, common);
    }
    edit.line = std::string(line.substr(0, start)) + replacement + std::string(line.substr(point));
    edit.point = start + replacement.size();
    return edit;
}

}  // namespace parley::client
