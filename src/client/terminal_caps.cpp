#include "terminal_caps.h"

#include <cstdio>

#include <term.h>
#include <unistd.h>

namespace parley::client {
namespace {

std::string capability(const char* name) {
    char* s = tigetstr(const_cast<char*>(name));
    if (s == nullptr || s == reinterpret_cast<char*>(-1)) return {};
    return s;
}

int put_char(int c) { return std::putchar(c); }

void emit(const std::string& cap) {
    if (!cap.empty()) tputs(cap.c_str(), 1, put_char);
}

}  // namespace

void TerminalCaps::load() {
    int err = 0;
    if (setupterm(nullptr, STDOUT_FILENO, &err) != 0) return;
    // Copied now: later terminfo calls made by libedit may free the strings.
    if (auto cr = capability("cr"); !cr.empty()) cr_ = cr;
    up_ = capability("cuu1");
    clear_ = capability("ed");
    if (clear_.empty()) clear_ = capability("el");
}

void TerminalCaps::to_line_start() const { emit(cr_); }

void TerminalCaps::up(std::size_t rows) const {
    for (std::size_t i = 0; i < rows; ++i) emit(up_);
}

void TerminalCaps::clear_below() const { emit(clear_); }

}  // namespace parley::client
