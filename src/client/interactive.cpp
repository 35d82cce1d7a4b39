#include "interactive.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include <unistd.h>

#include "completion.h"
#include "exit_status.h"
#include "resolver.h"
#include "terminal_text.h"

namespace parley::client {
namespace {

std::int64_t now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

bool use_colour(ColourChoice choice) {
    if (choice == ColourChoice::Always) return true;
    if (choice == ColourChoice::Never) return false;
    return want_colour(isatty(STDOUT_FILENO) != 0, std::getenv("NO_COLOR"));
}

SessionConfig session_config(const Options& options) {
    SessionConfig config;
    config.conn = options.conn;
    config.rooms = options.rooms;
    config.reconnect = true;
    return config;
}

}  // namespace

InteractiveClient::InteractiveClient(uv_loop_t* loop, const Options& options)
    : loop_(loop),
      options_(options),
      fmt_(use_colour(options.colour)),
      console_(isatty(STDIN_FILENO) && isatty(STDOUT_FILENO) ? make_editline_console(loop)
                                                             : make_plain_console(loop)),
      session_(loop, session_config(options), *this) {}

InteractiveClient::~InteractiveClient() = default;

int InteractiveClient::run() {
    auto stop = [this] { quit(); };
    sigint_ = std::make_unique<SignalWatcher>(loop_, SIGINT, stop);
    sigterm_ = std::make_unique<SignalWatcher>(loop_, SIGTERM, stop);
    sighup_ = std::make_unique<SignalWatcher>(loop_, SIGHUP, stop);
    session_.start();
    uv_run(loop_, UV_RUN_DEFAULT);
    return exit_status_;
}

void InteractiveClient::session_ready(bool first) {
    if (!first) {
        session_state_changed();
        return;
    }
    std::string where = session_.rooms().rooms().empty()
                            ? std::string("in no room yet")
                            : "in " + session_.rooms().current();
    notice("connected to " + session_.server() + " as " + fmt_.nick(session_.nick(), true) +
           ", " + where + "; /help lists the commands");
    session_state_changed();
    console_started_ = true;
    console_->set_completer([this](const std::string& word, bool first) { return complete(word, first); });
    console_->start([this](std::string line) { on_line(std::move(line)); },
                    [this] { on_end_of_input(); });
}

void InteractiveClient::session_unreachable(const std::string& reason) {
    std::fprintf(stderr, "parley: %s\n", reason.c_str());
    exit_status_ = kExitUnreachable;
    closing_ = true;
    console_->stop();
    sigint_.reset();
    sigterm_.reset();
    sighup_.reset();
}

void InteractiveClient::session_message(const ChatMessage& m, bool own) {
    remember_nick(m.from);
    print(fmt_.message(m, own));
}

void InteractiveClient::session_event(const nlohmann::json& ev) {
    std::string type = ev.value("type", "");
    std::int64_t ts = ev.value("ts", now_ms());
    if (type == "private") {
        remember_nick(ev.value("from", ""));
        print(fmt_.private_from(ev.value("from", ""), ev.value("text", ""), ts));
    } else if (type == "joined") {
        remember_nick(ev.value("nick", ""));
        notice(fmt_.nick(ev.value("nick", "")) + " joined " + sanitize(ev.value("room", "")));
    } else if (type == "left") {
        std::string reason = ev.value("reason", "leave");
        if (reason != "leave") forget_nick(ev.value("nick", ""));
        notice(fmt_.nick(ev.value("nick", "")) + " left " + sanitize(ev.value("room", "")) +
               (reason == "leave" ? std::string() : " (" + sanitize(reason) + ")"));
    } else if (type == "nick") {
        forget_nick(ev.value("old", ""));
        remember_nick(ev.value("nick", ""));
        notice(fmt_.nick(ev.value("old", "")) + " is now " + fmt_.nick(ev.value("nick", "")));
    } else if (type == "shutdown") {
        notice("the server is shutting down (" + sanitize(ev.value("reason", "")) + ")");
    }
}

void InteractiveClient::session_notice(const std::string& text) { notice(text); }

void InteractiveClient::session_error(const std::string&, const std::string& text) { error(text); }

void InteractiveClient::session_closed() {
    closing_ = true;
    console_->stop();
    udp_.reset();
    sigint_.reset();
    sigterm_.reset();
    sighup_.reset();
}

void InteractiveClient::session_state_changed() {
    auto prompt = fmt_.prompt(session_.nick(), session_.rooms().current(), session_.connected());
    console_->set_prompt(prompt.text, prompt.width);
}

void InteractiveClient::remember_nick(const std::string& nick) {
    // A bound, so that a huge server cannot grow this without limit.
    constexpr std::size_t kMaxNicks = 10'000;
    if (!nick.empty() && nicks_.size() < kMaxNicks) nicks_.insert(nick);
}

void InteractiveClient::remember_nicks(const nlohmann::json& members) {
    if (!members.is_array()) return;
    for (const auto& m : members)
        if (m.is_string()) remember_nick(m.get<std::string>());
}

std::vector<std::string> InteractiveClient::complete(const std::string& word, bool first_word) const {
    std::vector<std::string> others;
    for (const auto& n : nicks_)
        if (!session_.is_own(n)) others.push_back(n);
    return complete_word(word, first_word, others);
}

void InteractiveClient::notice(const std::string& text) { print(fmt_.notice(text, now_ms())); }

void InteractiveClient::on_line(std::string line) {
    if (closing_) return;
    queue_.push_back(std::move(line));
    process_queue();
}

void InteractiveClient::on_end_of_input() {
    input_ended_ = true;
    process_queue();
}

void InteractiveClient::process_queue() {
    // Commands that fail at once (no connection) complete synchronously;
    // the loop below, not recursion, then moves on to the next line.
    if (processing_) return;
    processing_ = true;
    while (!busy_ && !closing_ && !queue_.empty()) {
        std::string line = std::move(queue_.front());
        queue_.pop_front();
        busy_ = true;
        execute(parse_input(line));
    }
    processing_ = false;
    if (!busy_ && !closing_ && queue_.empty() && input_ended_) quit();
}

void InteractiveClient::command_done() {
    busy_ = false;
    process_queue();
}

void InteractiveClient::quit() {
    if (closing_) return;
    closing_ = true;
    if (!console_started_) {
        // Still connecting: nothing to say goodbye to.
        session_.abort();
        return;
    }
    session_.quit();
}

}  // namespace parley::client
