#include "parley/names.hpp"

#include "parley/utf8.hpp"

namespace parley::names {

namespace {

// Shared by both rules: a length in code points and no white space or
// control characters of any kind.
template <class Extra>
bool valid_name(std::string_view name, std::size_t max_len, Extra&& extra_forbidden) {
    if (name.empty() || !utf8::is_valid(name)) return false;
    std::size_t count = 0, pos = 0;
    while (pos < name.size()) {
        char32_t cp = utf8::decode_next(name, pos);
        if (++count > max_len) return false;
        if (utf8::is_space(cp) || utf8::is_control(cp) || extra_forbidden(cp)) return false;
    }
    return true;
}

}  // namespace

bool valid_nick(std::string_view nick) {
    return valid_name(nick, kMaxNickLength, [](char32_t cp) {
        switch (cp) {
            case '/': case '@': case '#': case ':': case ',': case '"': case '\\': return true;
            default: return false;
        }
    });
}

bool valid_room(std::string_view room) {
    return valid_name(room, kMaxRoomLength, [](char32_t) { return false; });
}

std::string nick_key(std::string_view nick) {
    std::string key(nick);
    for (auto& c : key)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return key;
}

}  // namespace parley::names
