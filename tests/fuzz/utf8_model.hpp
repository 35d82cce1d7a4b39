#pragma once
// A second, deliberately naive UTF-8 decoder for differential checks: it
// decodes first and asks questions afterwards (is the value in range for its
// length, is it a surrogate), where the core validates byte ranges as it goes.
// Two formulations of RFC 3629 that agree on every input are hard to get
// wrong the same way.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fuzz_model {

inline std::optional<std::vector<char32_t>> decode_utf8(std::string_view s) {
    std::vector<char32_t> out;
    std::size_t i = 0;
    while (i < s.size()) {
        auto b0 = static_cast<unsigned char>(s[i]);
        std::size_t len;
        char32_t cp;
        if (b0 < 0x80) { len = 1; cp = b0; }
        else if ((b0 >> 5) == 0x6) { len = 2; cp = b0 & 0x1F; }
        else if ((b0 >> 4) == 0xE) { len = 3; cp = b0 & 0x0F; }
        else if ((b0 >> 3) == 0x1E) { len = 4; cp = b0 & 0x07; }
        else return std::nullopt;
        if (i + len > s.size()) return std::nullopt;
        for (std::size_t k = 1; k < len; ++k) {
            auto b = static_cast<unsigned char>(s[i + k]);
            if ((b >> 6) != 0x2) return std::nullopt;
            cp = (cp << 6) | (b & 0x3F);
        }
        static constexpr char32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < kMinForLength[len]) return std::nullopt;           // overlong
        if (cp >= 0xD800 && cp <= 0xDFFF) return std::nullopt;      // surrogate
        if (cp > 0x10FFFF) return std::nullopt;
        out.push_back(cp);
        i += len;
    }
    return out;
}

inline void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

// What a terminal must never receive raw from another user (PROTOCOL.md,
// text-mode escaping): C0, DEL, C1, and the two Unicode line separators.
inline bool unsafe_for_terminal(char32_t cp) {
    return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029;
}

}  // namespace fuzz_model
