#pragma once

#include <string>

namespace parley::client {

// The few cursor movements the terminal console needs, looked up in terminfo
// for the terminal at hand ($TERM) rather than hard-coded. Kept apart because
// <term.h> defines macros with ordinary names (columns, lines, ...).
class TerminalCaps {
public:
    // Reads terminfo for stdout's terminal; missing capabilities stay empty.
    void load();

    bool can_move_up() const { return !up_.empty(); }
    bool can_clear() const { return !clear_.empty(); }

    void to_line_start() const;
    void up(std::size_t rows) const;
    // Clears from the cursor to the end of the screen (or of the line when
    // the terminal has no such capability).
    void clear_below() const;

private:
    std::string cr_ = "\r";
    std::string up_;
    std::string clear_;
};

}  // namespace parley::client
