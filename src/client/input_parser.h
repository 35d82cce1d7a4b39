#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parley::client {

// What a line typed in the interactive client asks for. The slash commands
// are those of the server's text mode plus the client's own (/abort, /udp,
// /switch), so a person who learnt one knows the other.
enum class Verb {
    Nick, Join, Leave, Msg, Who, Rooms, History, Echo, Ping, Stats, Quit, Help,
    Abort, Udp, Switch,
};

struct Input {
    enum class Kind { Nothing, Say, Command, Invalid };
    Kind kind = Kind::Nothing;
    Verb verb = Verb::Help;
    std::string room;             // /join /leave /who /history /switch; empty = current
    std::string nick;             // /nick /msg
    std::string text;             // said line, /msg /echo /udp
    std::optional<int> limit;     // /history N
    std::string error;            // Kind::Invalid: a one-line explanation
};

// Parses one line as typed. Never throws: anything unusable is Kind::Invalid
// with an explanation that names the expected usage.
Input parse_input(std::string_view line);

// The command names without their slash, for completion.
std::vector<std::string> command_names();

// One line per command for /help.
const std::vector<std::string>& command_help();

}  // namespace parley::client
