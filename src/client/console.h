#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <uv.h>

#include "completion.h"

namespace parley::client {

// Where the interactive client reads lines and writes output. On a terminal
// it is a line editor that keeps incoming lines above the one being typed;
// otherwise (a pipe, a file) it reads plain lines and writes plain lines.
class Console {
public:
    using LineFn = std::function<void(std::string line)>;
    using EofFn = std::function<void()>;

    virtual ~Console() = default;
    virtual void start(LineFn on_line, EofFn on_eof) = 0;
    // `text` may hold colour sequences wrapped in \001 ... \002 (the
    // readline convention); `width` is the columns it takes on screen.
    virtual void set_prompt(const std::string& text, std::size_t width) = 0;
    // One finished line of output, shown above the input line.
    virtual void print(const std::string& line) = 0;
    // Called while handling a submitted line: removes its echo from the
    // screen, because the line will be shown again in its final form.
    virtual void erase_submitted_line() {}
    // Where Tab finds its candidates (see completion.h).
    virtual void set_completer(CandidateFn) {}
    // Gives the terminal back as it was; idempotent.
    virtual void stop() = 0;
};

std::unique_ptr<Console> make_editline_console(uv_loop_t* loop);
std::unique_ptr<Console> make_plain_console(uv_loop_t* loop);

}  // namespace parley::client
