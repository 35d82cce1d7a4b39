#pragma once

#include <deque>
#include <memory>
#include <set>
#include <string>

#include <uv.h>

#include "chat_session.h"
#include "client_options.h"
#include "console.h"
#include "formatter.h"
#include "input_parser.h"
#include "udp_echo.h"
#include "uv_signal.h"

namespace parley::client {

// `parley` without a command: a chat session driven by typed lines. Lines
// are handled one at a time, each after the previous one's reply, so that a
// pasted "/join x" followed by "hello" says hello in x.
class InteractiveClient : private SessionObserver {
public:
    InteractiveClient(uv_loop_t* loop, const Options& options);
    ~InteractiveClient() override;

    // Runs until the person quits; returns the exit status.
    int run();

private:
    // SessionObserver
    void session_ready(bool first) override;
    void session_unreachable(const std::string& reason) override;
    void session_message(const ChatMessage& m, bool own) override;
    void session_event(const nlohmann::json& event) override;
    void session_notice(const std::string& text) override;
    void session_error(const std::string& code, const std::string& text) override;
    void session_closed() override;
    void session_state_changed() override;
    void session_joined(const nlohmann::json& reply) override {
        remember_nicks(reply.value("members", nlohmann::json::array()));
    }

    // Input handling.
    void on_line(std::string line);
    void on_end_of_input();
    void process_queue();
    void command_done();
    void execute(const Input& in);  // interactive_commands.cpp

    // One handler per kind of command (interactive_commands.cpp).
    void say(const std::string& text);
    void show_history(const Input& in);
    void show_who(const std::string& room);
    void show_rooms();
    void ping();
    void show_stats();
    void udp_probe(const std::string& text);
    void show_reply_error(const nlohmann::json& reply, const std::string& what);

    // Nicks seen in this session, for Tab completion.
    void remember_nick(const std::string& nick);
    void remember_nicks(const nlohmann::json& members);
    void forget_nick(const std::string& nick) { nicks_.erase(nick); }
    std::vector<std::string> complete(const std::string& word, bool first_word) const;

    void print(const std::string& line) { console_->print(line); }
    void notice(const std::string& text);
    void error(const std::string& text) { console_->print(fmt_.error(text)); }
    void quit();

    uv_loop_t* loop_;
    Options options_;
    Formatter fmt_;
    std::unique_ptr<Console> console_;
    ChatSession session_;
    std::unique_ptr<UdpEcho> udp_;
    std::unique_ptr<SignalWatcher> sigint_, sigterm_, sighup_;
    std::deque<std::string> queue_;
    std::set<std::string> nicks_;
    bool busy_ = false;
    bool processing_ = false;
    bool input_ended_ = false;
    bool console_started_ = false;
    bool closing_ = false;
    int exit_status_ = 0;
};

}  // namespace parley::client
