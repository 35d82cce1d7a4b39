#include "input_parser.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

namespace parley::client {
namespace {

struct VerbInfo {
    const char* name;
    Verb verb;
    const char* usage;
    const char* summary;
};

constexpr std::array<VerbInfo, 15> kVerbs{{
    {"nick", Verb::Nick, "/nick NAME", "change your nick"},
    {"join", Verb::Join, "/join ROOM", "join a room and make it current"},
    {"leave", Verb::Leave, "/leave [ROOM]", "leave a room (default: current)"},
    {"msg", Verb::Msg, "/msg NICK TEXT", "send a private message"},
    {"who", Verb::Who, "/who [ROOM]", "list the members of a room"},
    {"rooms", Verb::Rooms, "/rooms", "list the rooms that have members"},
    {"history", Verb::History, "/history [ROOM] [N]", "show the last N messages of a room"},
    {"echo", Verb::Echo, "/echo TEXT", "have the server send TEXT back"},
    {"ping", Verb::Ping, "/ping", "measure the round trip to the server"},
    {"stats", Verb::Stats, "/stats", "show the server's counters"},
    {"switch", Verb::Switch, "/switch ROOM", "make another joined room current"},
    {"udp", Verb::Udp, "/udp TEXT", "send one UDP echo datagram and time the reply"},
    {"quit", Verb::Quit, "/quit", "leave cleanly (TCP FIN)"},
    {"abort", Verb::Abort, "/abort", "drop the connection with a reset (TCP RST)"},
    {"help", Verb::Help, "/help", "this list"},
}};

bool is_space(char c) { return c == ' ' || c == '\t'; }

std::string_view skip_spaces(std::string_view s) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    return s;
}

// Splits off the first whitespace-separated word.
std::string_view take_word(std::string_view& s) {
    s = skip_spaces(s);
    std::size_t end = 0;
    while (end < s.size() && !is_space(s[end])) ++end;
    std::string_view word = s.substr(0, end);
    s.remove_prefix(end);
    return word;
}

std::vector<std::string_view> words(std::string_view s) {
    std::vector<std::string_view> out;
    for (auto w = take_word(s); !w.empty(); w = take_word(s)) out.push_back(w);
    return out;
}

bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Input invalid(std::string message) {
    Input in;
    in.kind = Input::Kind::Invalid;
    in.error = std::move(message);
    return in;
}

Input usage(const VerbInfo& v) { return invalid(std::string("usage: ") + v.usage); }

std::optional<int> parse_count(std::string_view s) {
    int value = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
    return value;
}

}  // namespace

Input parse_input(std::string_view line) {
    if (skip_spaces(line).empty()) return {};
    if (line.front() != '/' || line.starts_with("//")) {
        Input in;
        in.kind = Input::Kind::Say;
        in.text = std::string(line.front() == '/' ? line.substr(1) : line);
        return in;
    }
    std::string_view rest = line.substr(1);
    std::string name(take_word(rest));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    auto found = std::find_if(kVerbs.begin(), kVerbs.end(),
                              [&](const VerbInfo& v) { return name == v.name; });
    if (found == kVerbs.end()) return invalid("unknown command /" + name + " (try /help)");
    const VerbInfo& info = *found;

    Input in;
    in.kind = Input::Kind::Command;
    in.verb = info.verb;
    // Free text keeps its inner and trailing spaces; only the separator goes.
    auto text_after = [](std::string_view s) {
        if (!s.empty() && is_space(s.front())) s.remove_prefix(1);
        return std::string(s);
    };
    auto args = words(rest);

    switch (info.verb) {
    case Verb::Nick:
    case Verb::Join:
    case Verb::Switch:
        if (args.size() != 1) return usage(info);
        (info.verb == Verb::Nick ? in.nick : in.room) = std::string(args[0]);
        return in;
    case Verb::Leave:
    case Verb::Who:
        if (args.size() > 1) return usage(info);
        if (!args.empty()) in.room = std::string(args[0]);
        return in;
    case Verb::Msg: {
        std::string_view after = rest;
        std::string_view nick = take_word(after);
        if (nick.empty() || skip_spaces(after).empty()) return usage(info);
        in.nick = std::string(nick);
        in.text = text_after(after);
        return in;
    }
    case Verb::History:
        if (args.size() > 2) return usage(info);
        if (args.size() == 1 && all_digits(args[0])) {
            in.limit = parse_count(args[0]);
        } else if (!args.empty()) {
            in.room = std::string(args[0]);
            if (args.size() == 2) {
                if (!all_digits(args[1])) return usage(info);
                in.limit = parse_count(args[1]);
            }
        }
        if ((args.size() == 2 || (args.size() == 1 && all_digits(args[0]))) && !in.limit)
            return invalid("history count is too large");
        return in;
    case Verb::Echo:
    case Verb::Udp:
        if (skip_spaces(rest).empty()) return usage(info);
        in.text = text_after(rest);
        return in;
    case Verb::Rooms:
    case Verb::Ping:
    case Verb::Stats:
    case Verb::Quit:
    case Verb::Abort:
    case Verb::Help:
        if (!args.empty()) return usage(info);
        return in;
    }
    return usage(info);
}

std::vector<std::string> command_names() {
    std::vector<std::string> names;
    for (const auto& v : kVerbs) names.emplace_back(v.name);
    return names;
}

const std::vector<std::string>& command_help() {
    static const std::vector<std::string> lines = [] {
        std::vector<std::string> out;
        for (const auto& v : kVerbs) {
            std::string usage = v.usage;
            usage.resize(std::max<std::size_t>(usage.size(), 22), ' ');
            out.push_back(usage + v.summary);
        }
        out.emplace_back("TEXT                  say TEXT in the current room (//x says /x)");
        return out;
    }();
    return lines;
}

}  // namespace parley::client
