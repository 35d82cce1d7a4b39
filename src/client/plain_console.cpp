// The console when stdin or stdout is not a terminal: lines in, lines out,
// no prompt and no editing, so `parley < script` and `parley | tee log` work.
#include <cstdio>
#include <string>

#include <unistd.h>

#include "console.h"
#include "line_framer.h"

namespace parley::client {
namespace {

class PlainConsole;

struct InputHandle {
    union {
        uv_handle_t handle;
        uv_stream_t stream;
        uv_pipe_t pipe;
        uv_tty_t tty;
    };
    PlainConsole* owner;
};

struct FileRead {
    uv_fs_t req;
    PlainConsole* owner;
    char buffer[16 * 1024];
};

class PlainConsole final : public Console {
public:
    explicit PlainConsole(uv_loop_t* loop) : loop_(loop) {}
    ~PlainConsole() override { stop(); }

    void start(LineFn on_line, EofFn on_eof) override {
        on_line_ = std::move(on_line);
        on_eof_ = std::move(on_eof);
        uv_handle_type type = uv_guess_handle(STDIN_FILENO);
        if (type == UV_FILE) return read_file();
        input_ = new InputHandle;
        input_->owner = this;
        int rc = type == UV_TTY ? uv_tty_init(loop_, &input_->tty, STDIN_FILENO, 1)
                                : uv_pipe_init(loop_, &input_->pipe, 0);
        if (rc == 0 && type != UV_TTY) rc = uv_pipe_open(&input_->pipe, STDIN_FILENO);
        input_->handle.data = input_;
        if (rc == 0)
            rc = uv_read_start(
                &input_->stream,
                [](uv_handle_t*, size_t, uv_buf_t* buf) {
                    static char storage[16 * 1024];
                    *buf = uv_buf_init(storage, sizeof storage);
                },
                [](uv_stream_t* s, ssize_t n, const uv_buf_t* buf) {
                    auto* h = static_cast<InputHandle*>(s->data);
                    if (h->owner == nullptr) return;
                    if (n > 0) h->owner->feed(std::string_view(buf->base, static_cast<std::size_t>(n)));
                    else if (n < 0) h->owner->end_of_input();
                });
        if (rc != 0) end_of_input();
    }

    void set_prompt(const std::string&, std::size_t) override {}

    void print(const std::string& line) override {
        std::fwrite(line.data(), 1, line.size(), stdout);
        std::fputc('\n', stdout);
        std::fflush(stdout);
    }

    void stop() override {
        stopped_ = true;
        if (file_read_ != nullptr) file_read_->owner = nullptr;
        file_read_ = nullptr;
        if (input_ == nullptr) return;
        input_->owner = nullptr;
        uv_close(&input_->handle, [](uv_handle_t* h) { delete static_cast<InputHandle*>(h->data); });
        input_ = nullptr;
    }

    void feed(std::string_view bytes) {
        framer_.feed(bytes);
        while (!stopped_) {
            auto line = framer_.next();
            if (!line) break;
            on_line_(*line);
        }
    }

    void end_of_input() {
        if (stopped_) return;
        // A last line without its newline still counts when typed into a pipe.
        if (framer_.pending() > 0) feed("\n");
        if (!stopped_ && on_eof_) on_eof_();
    }

private:
    // Regular files cannot be polled; read them with the loop's file API.
    void read_file() {
        file_read_ = new FileRead;
        file_read_->owner = this;
        file_read_->req.data = file_read_;
        next_file_chunk();
    }

    void next_file_chunk() {
        uv_buf_t buf = uv_buf_init(file_read_->buffer, sizeof file_read_->buffer);
        uv_fs_read(loop_, &file_read_->req, STDIN_FILENO, &buf, 1, -1, [](uv_fs_t* req) {
            auto* r = static_cast<FileRead*>(req->data);
            ssize_t n = req->result;
            uv_fs_req_cleanup(req);
            PlainConsole* self = r->owner;
            if (self == nullptr) {
                delete r;
                return;
            }
            if (n > 0) {
                self->feed(std::string_view(r->buffer, static_cast<std::size_t>(n)));
                if (r->owner != nullptr) return self->next_file_chunk();
                delete r;
                return;
            }
            delete r;
            self->file_read_ = nullptr;
            self->end_of_input();
        });
    }

    uv_loop_t* loop_;
    LineFn on_line_;
    EofFn on_eof_;
    InputHandle* input_ = nullptr;
    FileRead* file_read_ = nullptr;
    LineFramer framer_;
    bool stopped_ = false;
};

}  // namespace

std::unique_ptr<Console> make_plain_console(uv_loop_t* loop) {
    return std::make_unique<PlainConsole>(loop);
}

}  // namespace parley::client
