#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace parley::client {

// Makes text from other users safe to write to a terminal: C0 and C1
// controls, DEL, ESC, line and paragraph separators and the bidi overrides
// become visible `\xHH` / `\uHHHH` escapes, and bytes that are not UTF-8 are
// shown as `\xHH`. Without this, anyone in a room could move our cursor,
// clear our screen or forge lines that look like they came from someone else.
std::string sanitize(std::string_view text);

// Columns the text takes on a terminal. Characters outside the printable range
// count as one column; escape sequences are not interpreted, so measure text
// before colouring it.
std::size_t display_width(std::string_view utf8);

}  // namespace parley::client
