#pragma once
// UTF-8 checks shared by the framer's callers, the codecs and the name rules.
// Validation follows RFC 3629: no overlong forms, no surrogates, nothing above
// U+10FFFF, because PROTOCOL.md treats all of those as bad input.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace parley::utf8 {

bool is_valid(std::string_view bytes);

// Decodes the code point starting at `pos` and advances `pos` past it. The
// input must already be valid UTF-8.
char32_t decode_next(std::string_view valid, std::size_t& pos);

// Number of code points in valid UTF-8.
std::size_t length(std::string_view valid);

// White space as Unicode defines it (Zs, Zl, Zp and the C0 spaces).
bool is_space(char32_t cp);

// C0 controls, DEL and C1 controls: the Cc category.
bool is_control(char32_t cp);

}  // namespace parley::utf8
