// `parley listen`: print room messages as they arrive, one per line, for as
// long as it runs. It rides on ChatSession, so a lost connection is followed
// by a reconnect and a catch-up, and no message is printed twice.
#include <cstdio>
#include <cstdlib>

#include <unistd.h>

#include "chat_session.h"
#include "commands.h"
#include "exit_status.h"
#include "formatter.h"
#include "terminal_text.h"
#include "uv_signal.h"

namespace parley::client {
namespace {

class Listener : private SessionObserver {
public:
    Listener(uv_loop_t* loop, const Options& options)
        : options_(options),
          fmt_(options.colour == ColourChoice::Always ||
               (options.colour == ColourChoice::Auto &&
                want_colour(isatty(STDOUT_FILENO) != 0, std::getenv("NO_COLOR")))),
          session_(loop, config(options), *this),
          sigint_(loop, SIGINT, [this] { session_.quit(); }),
          sigterm_(loop, SIGTERM, [this] { session_.quit(); }),
          loop_(loop) {}

    int run() {
        session_.start();
        uv_run(loop_, UV_RUN_DEFAULT);
        return status_;
    }

private:
    static SessionConfig config(const Options& options) {
        SessionConfig c;
        c.conn = options.conn;
        c.rooms = options.rooms;
        c.reconnect = true;
        return c;
    }

    void emit(const std::string& line) {
        std::fwrite(line.data(), 1, line.size(), stdout);
        std::fputc('\n', stdout);
        std::fflush(stdout);
        if (options_.count > 0 && ++printed_ >= options_.count) session_.quit();
    }

    void session_ready(bool) override {}

    void session_unreachable(const std::string& reason) override {
        std::fprintf(stderr, "parley: %s\n", reason.c_str());
        status_ = kExitUnreachable;
    }

    void session_message(const ChatMessage& m, bool own) override {
        if (stopping()) return;
        emit(options_.json ? m.to_json().dump() : fmt_.message(m, own));
    }

    void session_event(const nlohmann::json& ev) override {
        std::string type = ev.value("type", "");
        if (type == "shutdown")
            std::fprintf(stderr, "parley: the server is shutting down (%s)\n",
                         sanitize(ev.value("reason", "")).c_str());
        if (stopping() || type != "private") return;
        emit(options_.json ? ev.dump()
                           : fmt_.private_from(ev.value("from", ""), ev.value("text", ""),
                                               ev.value("ts", std::int64_t{0})));
    }

    void session_notice(const std::string& text) override {
        std::fprintf(stderr, "parley: %s\n", text.c_str());
    }

    void session_error(const std::string&, const std::string& text) override {
        std::fprintf(stderr, "parley: %s\n", text.c_str());
        // Failing to join or to take the nick at start means the listener
        // would not do what was asked: stop rather than listen to nothing.
        if (!session_.ready() && !failed_) {
            failed_ = true;
            status_ = kExitRefused;
            session_.quit();
        }
    }

    void session_closed() override {}

    bool stopping() const { return failed_ || (options_.count > 0 && printed_ >= options_.count); }

    Options options_;
    Formatter fmt_;
    ChatSession session_;
    SignalWatcher sigint_;
    SignalWatcher sigterm_;
    uv_loop_t* loop_;
    int printed_ = 0;
    int status_ = kExitOk;
    bool failed_ = false;
};

}  // namespace

int run_listen(uv_loop_t* loop, const Options& options) {
    Listener listener(loop, options);
    return listener.run();
}

}  // namespace parley::client
