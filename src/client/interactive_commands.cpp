// What each typed command does: which request it sends and how the reply is
// shown. Every path ends in exactly one command_done().
#include <cstdio>

#include "interactive.h"
#include "terminal_text.h"

namespace parley::client {
namespace {

bool is_ok(const nlohmann::json& reply) { return reply.value("type", "") == "ok"; }

std::string join_nicks(const Formatter& fmt, const nlohmann::json& members) {
    std::string out;
    for (const auto& m : members) {
        if (!m.is_string()) continue;
        if (!out.empty()) out += ", ";
        out += fmt.nick(m.get<std::string>());
    }
    return out.empty() ? std::string("nobody") : out;
}

}  // namespace

void InteractiveClient::show_reply_error(const nlohmann::json& reply, const std::string& what) {
    std::string code = reply.value("code", "error");
    std::string text = code + ": " + reply.value("message", "");
    if (code == "disconnected") text = "not connected to the server; try again when it is back";
    error(what.empty() ? text : what + ": " + text);
}

void InteractiveClient::execute(const Input& in) {
    auto done = [this] { command_done(); };
    auto simple = [this](const std::string& what, std::function<void(const nlohmann::json&)> on_ok) {
        return [this, what, on_ok](const nlohmann::json& reply) {
            if (is_ok(reply)) on_ok(reply);
            else show_reply_error(reply, what);
            command_done();
        };
    };
    const std::string& current = session_.rooms().current();

    switch (in.kind) {
    case Input::Kind::Nothing:
        return done();
    case Input::Kind::Invalid:
        error(in.error);
        return done();
    case Input::Kind::Say:
        return say(in.text);
    case Input::Kind::Command:
        break;
    }

    switch (in.verb) {
    case Verb::Nick:
        return session_.set_nick(in.nick, simple("", [this](const nlohmann::json& r) {
            notice("you are now " + fmt_.nick(r.value("nick", ""), true));
        }));
    case Verb::Join:
        return session_.join(in.room, simple("", [this](const nlohmann::json& r) {
            remember_nicks(r.value("members", nlohmann::json::array()));
            notice("you joined " + sanitize(r.value("room", "")) + " (" +
                   join_nicks(fmt_, r.value("members", nlohmann::json::array())) + ")");
        }));
    case Verb::Leave: {
        std::string room = in.room.empty() ? current : in.room;
        if (room.empty()) {
            error("you are in no room");
            return done();
        }
        return session_.leave(room, simple("", [this](const nlohmann::json& r) {
            notice("you left " + sanitize(r.value("room", "")));
        }));
    }
    case Verb::Msg: {
        std::string text = in.text;
        return session_.request({{"type", "msg"}, {"to", in.nick}, {"text", in.text}},
                                simple("", [this, text](const nlohmann::json& r) {
                                    print(fmt_.private_to(r.value("to", ""), text, r.value("ts", std::int64_t{0})));
                                }));
    }
    case Verb::Who:
        return show_who(in.room.empty() ? current : in.room);
    case Verb::Rooms:
        return show_rooms();
    case Verb::History:
        return show_history(in);
    case Verb::Echo:
        return session_.request({{"type", "echo"}, {"text", in.text}},
                                simple("", [this](const nlohmann::json& r) {
                                    print(sanitize(r.value("text", "")));
                                }));
    case Verb::Ping:
        return ping();
    case Verb::Stats:
        return show_stats();
    case Verb::Quit:
        quit();
        return done();
    case Verb::Abort:
        notice("closing the connection with a reset (RST)");
        closing_ = true;
        session_.abort();
        return done();
    case Verb::Udp:
        return udp_probe(in.text);
    case Verb::Switch:
        if (session_.rooms().switch_to(in.room)) {
            session_state_changed();
            notice("now talking in " + sanitize(in.room));
        } else {
            error("you are not in " + sanitize(in.room) + "; /join it first");
        }
        return done();
    case Verb::Help:
        for (const auto& line : command_help()) print(fmt_.info(line));
        return done();
    }
    done();
}

void InteractiveClient::say(const std::string& text) {
    std::string room = session_.rooms().current();
    if (room.empty()) {
        error("you are in no room; /join ROOM first (or /msg NICK TEXT)");
        return command_done();
    }
    // The typed line is shown again as a chat line once the server has it.
    console_->erase_submitted_line();
    session_.say(room, text, [this, room, text](const nlohmann::json& reply) {
        if (is_ok(reply)) {
            ChatMessage own{room, session_.nick(), text, reply.value("seq", std::int64_t{0}),
                            reply.value("ts", std::int64_t{0})};
            print(fmt_.message(own, true));
        } else {
            show_reply_error(reply, "not sent to " + sanitize(room) + " (\"" + sanitize(text) + "\")");
        }
        command_done();
    });
}

void InteractiveClient::show_who(const std::string& room) {
    if (room.empty()) {
        error("usage: /who ROOM (you are in no room)");
        return command_done();
    }
    session_.request({{"type", "who"}, {"room", room}}, [this](const nlohmann::json& r) {
        if (is_ok(r)) remember_nicks(r.value("members", nlohmann::json::array()));
        if (is_ok(r))
            print(fmt_.info("members of " + sanitize(r.value("room", "")) + ": " +
                            join_nicks(fmt_, r.value("members", nlohmann::json::array()))));
        else
            show_reply_error(r, "");
        command_done();
    });
}

void InteractiveClient::show_rooms() {
    session_.request({{"type", "rooms"}}, [this](const nlohmann::json& r) {
        if (is_ok(r)) {
            std::string list;
            for (const auto& room : r.value("rooms", nlohmann::json::array())) {
                if (!room.is_object()) continue;
                if (!list.empty()) list += ", ";
                list += sanitize(room.value("name", "")) + " (" +
                        std::to_string(room.value("members", 0)) + ")";
            }
            print(fmt_.info("rooms: " + (list.empty() ? std::string("none") : list)));
        } else {
            show_reply_error(r, "");
        }
        command_done();
    });
}

void InteractiveClient::show_history(const Input& in) {
    std::string room = in.room.empty() ? session_.rooms().current() : in.room;
    if (room.empty()) {
        error("usage: /history ROOM [N] (you are in no room)");
        return command_done();
    }
    nlohmann::json req{{"type", "history"}, {"room", room}};
    if (in.limit) req["limit"] = *in.limit;
    session_.request(req, [this](const nlohmann::json& r) {
        if (is_ok(r)) {
            std::size_t count = 0;
            for (const auto& m : r.value("messages", nlohmann::json::array())) {
                if (auto msg = ChatMessage::from_json(m)) {
                    print(fmt_.message(*msg, session_.is_own(msg->from)));
                    ++count;
                }
            }
            std::string room_name = sanitize(r.value("room", ""));
            std::string tail = r.value("truncated", false) ? "; older messages are no longer kept" : "";
            print(fmt_.info("end of history of " + room_name + " (" + std::to_string(count) +
                            " message" + (count == 1 ? "" : "s") + tail + ")"));
        } else {
            show_reply_error(r, "");
        }
        command_done();
    });
}

void InteractiveClient::ping() {
    std::uint64_t start = uv_hrtime();
    session_.request({{"type", "ping"}}, [this, start](const nlohmann::json& r) {
        if (is_ok(r)) {
            char buf[64];
            std::snprintf(buf, sizeof buf, "pong from the server in %.3f ms",
                          static_cast<double>(uv_hrtime() - start) / 1e6);
            print(fmt_.info(buf));
        } else {
            show_reply_error(r, "");
        }
        command_done();
    });
}

void InteractiveClient::show_stats() {
    session_.request({{"type", "stats"}}, [this](const nlohmann::json& r) {
        if (is_ok(r)) {
            std::string line;
            for (const char* key : {"connections", "rooms", "uptime_s", "frames_in", "frames_out",
                                    "bytes_in", "bytes_out", "udp_datagrams"}) {
                auto it = r.find(key);
                if (it == r.end()) continue;
                if (!line.empty()) line += "  ";
                line += std::string(key) + "=" + it->dump();
            }
            print(fmt_.info(line));
        } else {
            show_reply_error(r, "");
        }
        command_done();
    });
}

void InteractiveClient::udp_probe(const std::string& text) {
    auto send = [this, text] {
        udp_->probe(text, 1.0, [this, text](std::optional<double> rtt, const std::string& err) {
            char buf[64];
            if (rtt) {
                std::snprintf(buf, sizeof buf, "%.3f ms", *rtt);
                print(fmt_.info("udp echo from " + udp_->peer() + " in " + buf + ": " + sanitize(text)));
            } else if (!err.empty()) {
                error("udp echo to " + udp_->peer() + " failed: " + err);
            } else {
                error("no udp echo from " + udp_->peer() + " within 1 s");
            }
            command_done();
        });
    };
    if (udp_) return send();
    udp_ = std::make_unique<UdpEcho>(loop_);
    udp_->open(options_.conn.host, options_.conn.effective_udp_port(), [this, send](const std::string& err) {
        if (!err.empty()) {
            error("cannot open udp socket: " + err);
            udp_.reset();
            return command_done();
        }
        send();
    });
}

}  // namespace parley::client
