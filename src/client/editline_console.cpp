// The terminal console: libedit's readline-compatible callback interface,
// fed one character at a time from a uv_poll_t on stdin, so the line editor
// and the network share one event loop without threads. Incoming lines are
// written above the input: move to the start of the input area, clear it,
// write the line, and let libedit redraw the prompt and the partial input.
// The cursor movements come from terminfo, not from hard-coded sequences.
#include <algorithm>
#include <cstdio>
#include <csignal>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <editline/readline.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "completion.h"
#include "console.h"
#include "terminal_caps.h"
#include "terminal_text.h"
#include "uv_signal.h"

namespace parley::client {
namespace {

class EditLineConsole;
EditLineConsole* g_console = nullptr;  // libedit's line callback is a plain function

struct PollHandle {
    uv_poll_t poll;
    EditLineConsole* owner;
};

class EditLineConsole final : public Console {
public:
    explicit EditLineConsole(uv_loop_t* loop) : loop_(loop) {}
    ~EditLineConsole() override { stop(); }

    void start(LineFn on_line, EofFn on_eof) override {
        on_line_ = std::move(on_line);
        on_eof_ = std::move(on_eof);
        caps_.load();
        g_console = this;
        // Signals stay with the event loop (uv_signal_t), not with libedit.
        rl_catch_signals = 0;
        rl_catch_sigwinch = 0;
        rl_readline_name = "parley";
        install();
        rl_add_defun("parley-complete", &EditLineConsole::tab_key, '\t');

        poll_ = new PollHandle{{}, this};
        uv_poll_init(loop_, &poll_->poll, STDIN_FILENO);
        poll_->poll.data = poll_;
        uv_poll_start(&poll_->poll, UV_READABLE, [](uv_poll_t* p, int status, int) {
            auto* h = static_cast<PollHandle*>(p->data);
            if (h->owner == nullptr) return;
            if (status < 0) return h->owner->input_gone();
            rl_callback_read_char();
        });

        winch_ = std::make_unique<SignalWatcher>(loop_, SIGWINCH, [this] {
            if (active_) rl_resize_terminal();
        });
        cont_ = std::make_unique<SignalWatcher>(loop_, SIGCONT, [this] { resumed(); });
    }

    void set_prompt(const std::string& text, std::size_t width) override {
        if (text == prompt_) return;
        if (active_) clear_input_area();
        prompt_ = text;
        prompt_width_ = width;
        if (active_) {
            rl_set_prompt(prompt_.c_str());
            rl_forced_update_display();
            std::fflush(stdout);
        }
    }

    void print(const std::string& line) override {
        if (active_) clear_input_area();
        std::fwrite(line.data(), 1, line.size(), stdout);
        std::fputc('\n', stdout);
        if (active_) rl_forced_update_display();
        std::fflush(stdout);
    }

    void erase_submitted_line() override {
        // libedit has echoed the line and moved to the next row.
        if (!caps_.can_move_up() || !caps_.can_clear()) return;
        caps_.up(rows_for(prompt_width_ + display_width(submitted_)));
        caps_.to_line_start();
        caps_.clear_below();
        std::fflush(stdout);
    }

    void stop() override {
        if (poll_ == nullptr) return;
        if (active_) {
            clear_input_area();
            std::fflush(stdout);
        }
        active_ = false;
        rl_callback_handler_remove();
        poll_->owner = nullptr;
        uv_close(reinterpret_cast<uv_handle_t*>(&poll_->poll),
                 [](uv_handle_t* h) { delete static_cast<PollHandle*>(h->data); });
        poll_ = nullptr;
        winch_.reset();
        cont_.reset();
        if (g_console == this) g_console = nullptr;
    }

    void set_completer(CandidateFn completer) override { completer_ = std::move(completer); }

private:
    static void line_callback(char* line) {
        if (g_console != nullptr) g_console->handle_line(line);
        else std::free(line);
    }

    // Tab runs our completion instead of libedit's, which completes file
    // names and rings the bell; candidates are listed above the input line
    // like any other output.
    static int tab_key(int, int) {
        if (g_console != nullptr) g_console->complete_at_cursor();
        return 0;
    }

    void complete_at_cursor() {
        if (!completer_ || rl_line_buffer == nullptr) return;
        std::string line(rl_line_buffer, strnlen(rl_line_buffer, static_cast<std::size_t>(rl_end)));
        std::size_t point = std::min(static_cast<std::size_t>(std::max(rl_point, 0)), line.size());
        CompletionEdit edit = complete_line(line, point, completer_);
        if (!edit.choices.empty()) {
            std::string list;
            for (const auto& c : edit.choices) list += (list.empty() ? "" : "  ") + sanitize(c);
            return print(list);
        }
        if (edit.line == line) return;
        clear_input_area();
        if (edit.line.compare(0, point, line, 0, point) == 0)
            rl_insert_text(edit.line.substr(point, edit.point - point).c_str());
        else
            rl_replace_line(edit.line.c_str(), 0);  // the typed word changes case
        rl_forced_update_display();
        std::fflush(stdout);
    }

    void install() {
        rl_callback_handler_install(prompt_.c_str(), &EditLineConsole::line_callback);
        active_ = true;
    }

    void handle_line(char* raw) {
        // libedit has left raw mode; output goes straight to the screen until
        // the handler is installed again, which also draws a fresh prompt.
        active_ = false;
        if (raw == nullptr) {
            std::fputc('\n', stdout);
            std::fflush(stdout);
            if (on_eof_) on_eof_();
            return;
        }
        std::string line(raw);
        std::free(raw);
        if (!line.empty()) add_history(line.c_str());
        submitted_ = line;
        if (on_line_) on_line_(line);
        if (poll_ != nullptr) install();
    }

    // Back from Ctrl-Z: the shell has put the terminal in its own mode, so
    // set ours again and redraw, keeping what was typed so far.
    void resumed() {
        if (!active_) return;
        std::string typed = rl_line_buffer != nullptr ? std::string(rl_line_buffer) : std::string();
        clear_input_area();
        rl_callback_handler_remove();
        install();  // raw mode again, and a fresh prompt with an empty line
        if (!typed.empty()) {
            rl_insert_text(typed.c_str());
            caps_.to_line_start();
            caps_.clear_below();
            rl_forced_update_display();
        }
        std::fflush(stdout);
    }

    void input_gone() {
        active_ = false;
        if (on_eof_) on_eof_();
    }

    std::size_t columns() const {
        winsize ws{};
        if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
        return 80;
    }

    std::size_t rows_for(std::size_t width) const {
        std::size_t cols = columns();
        return width == 0 ? 1 : (width + cols - 1) / cols;
    }

    // Puts the cursor at the start of the prompt and clears from there down.
    void clear_input_area() {
        std::string before_cursor;
        if (rl_line_buffer != nullptr && rl_point > 0)
            before_cursor.assign(rl_line_buffer, strnlen(rl_line_buffer, static_cast<std::size_t>(rl_point)));
        caps_.up((prompt_width_ + display_width(before_cursor)) / columns());
        caps_.to_line_start();
        caps_.clear_below();
    }

    uv_loop_t* loop_;
    LineFn on_line_;
    EofFn on_eof_;
    TerminalCaps caps_;
    PollHandle* poll_ = nullptr;
    std::unique_ptr<SignalWatcher> winch_;
    std::unique_ptr<SignalWatcher> cont_;
    std::string prompt_ = "> ";
    std::size_t prompt_width_ = 2;
    std::string submitted_;
    CandidateFn completer_;
    bool active_ = false;
};

}  // namespace

std::unique_ptr<Console> make_editline_console(uv_loop_t* loop) {
    return std::make_unique<EditLineConsole>(loop);
}

}  // namespace parley::client
