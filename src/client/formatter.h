#pragma once

#include <cstdint>
#include <ctime>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "chat_message.h"

namespace parley::client {

// Turns what the server says into the lines a person reads. All text that
// came from other users passes through sanitize() here, and this is the only
// place that knows about colours, so turning them off is one flag.
class Formatter {
public:
    // `to_local` converts Unix seconds to a calendar time; injectable so the
    // tests do not depend on the machine's time zone.
    explicit Formatter(bool colour, std::function<std::tm(std::time_t)> to_local = {});

    bool colour() const { return colour_; }

    // `HH:MM:SS [room] <nick> text`; own messages get the nick in bold, or a
    // `(me)` mark without colours.
    std::string message(const ChatMessage& m, bool own) const;
    std::string private_from(std::string_view from, std::string_view text, std::int64_t ts) const;
    std::string private_to(std::string_view to, std::string_view text, std::int64_t ts) const;
    // `HH:MM:SS * text`: joins, leaves, renames, connection state.
    std::string notice(std::string_view text, std::int64_t ts) const;
    // `! text` in red.
    std::string error(std::string_view text) const;
    // A plain reply line (who, rooms, stats...).
    std::string info(std::string_view text) const;

    // The input prompt, `nick@room> ` (`nick> ` outside rooms), with
    // `(offline)` in front while reconnecting. Colour sequences are wrapped
    // in \001 \002 so the line editor does not count them as columns.
    struct Prompt {
        std::string text;
        std::size_t width;
    };
    Prompt prompt(std::string_view nick, std::string_view room, bool online) const;

    // A nick, coloured the same way every time it appears.
    std::string nick(std::string_view name, bool own = false) const;
    std::string clock(std::int64_t ts_ms) const;

private:
    std::string paint(std::string_view sgr, std::string_view text) const;

    bool colour_;
    std::function<std::tm(std::time_t)> to_local_;
};

// The SGR colour code for a nick: a stable hash of its ASCII-lowercased form
// (nicks compare case-insensitively, so `Bob` and `bob` look the same).
// Red is left out because it means "error".
int nick_colour_code(std::string_view nick);

// The rule for colours: only on a terminal, and never when NO_COLOR is set
// to a non-empty value (https://no-color.org).
bool want_colour(bool is_terminal, const char* no_color_env);

}  // namespace parley::client
