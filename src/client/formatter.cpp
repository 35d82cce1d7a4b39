#include "formatter.h"

#include <array>
#include <cstdio>

#include "terminal_text.h"

namespace parley::client {
namespace {

// SGR parameters; the escape sequences themselves are built in paint() only.
constexpr std::string_view kBold = "1";
constexpr std::string_view kDim = "2";
constexpr std::string_view kRed = "31";

std::tm local_time(std::time_t t) {
    std::tm out{};
    ::localtime_r(&t, &out);
    return out;
}

}  // namespace

int nick_colour_code(std::string_view nick) {
    static constexpr std::array<int, 10> kPalette{32, 33, 34, 35, 36, 92, 93, 94, 95, 96};
    std::uint32_t h = 2166136261u;  // FNV-1a
    for (char ch : nick) {
        auto c = static_cast<unsigned char>(ch);
        if (c >= 'A' && c <= 'Z') c = static_cast<unsigned char>(c - 'A' + 'a');
        h = (h ^ c) * 16777619u;
    }
    return kPalette[h % kPalette.size()];
}

bool want_colour(bool is_terminal, const char* no_color_env) {
    if (no_color_env != nullptr && no_color_env[0] != '\0') return false;
    return is_terminal;
}

Formatter::Formatter(bool colour, std::function<std::tm(std::time_t)> to_local)
    : colour_(colour), to_local_(to_local ? std::move(to_local) : local_time) {}

std::string Formatter::paint(std::string_view sgr, std::string_view text) const {
    if (!colour_) return std::string(text);
    std::string out = "\x1b[";
    out.append(sgr).append("m").append(text).append("\x1b[0m");
    return out;
}

std::string Formatter::clock(std::int64_t ts_ms) const {
    std::tm tm = to_local_(static_cast<std::time_t>(ts_ms / 1000));
    char buf[16];
    std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec);
    return paint(kDim, buf);
}

std::string Formatter::nick(std::string_view name, bool own) const {
    std::string safe = sanitize(name);
    std::string code = std::to_string(nick_colour_code(name));
    if (own) code = std::string(kBold) + ";" + code;
    return paint(code, safe);
}

std::string Formatter::message(const ChatMessage& m, bool own) const {
    std::string line = clock(m.ts);
    line += " [" + sanitize(m.room) + "] <" + nick(m.from, own);
    if (own && !colour_) line += " (me)";
    line += "> " + sanitize(m.text);
    return line;
}

std::string Formatter::private_from(std::string_view from, std::string_view text,
                                    std::int64_t ts) const {
    return clock(ts) + " (pm) <" + nick(from) + "> " + sanitize(text);
}

std::string Formatter::private_to(std::string_view to, std::string_view text,
                                  std::int64_t ts) const {
    return clock(ts) + " (pm) -> <" + nick(to) + "> " + sanitize(text);
}

std::string Formatter::notice(std::string_view text, std::int64_t ts) const {
    return clock(ts) + " " + paint(kDim, "*") + " " + std::string(text);
}

std::string Formatter::error(std::string_view text) const {
    return paint(kRed, "! " + sanitize(text));
}

Formatter::Prompt Formatter::prompt(std::string_view nick, std::string_view room,
                                    bool online) const {
    std::string plain = online ? "" : "(offline) ";
    std::string text = plain;
    std::string safe_nick = sanitize(nick);
    plain += safe_nick;
    if (colour_) {
        text += "\001\x1b[" + std::to_string(nick_colour_code(nick)) + "m\002" + safe_nick +
                "\001\x1b[0m\002";
    } else {
        text += safe_nick;
    }
    if (!room.empty()) {
        std::string suffix = "@" + sanitize(room);
        plain += suffix;
        text += suffix;
    }
    plain += "> ";
    text += "> ";
    return Prompt{text, display_width(plain)};
}

std::string Formatter::info(std::string_view text) const { return std::string(text); }

}  // namespace parley::client
