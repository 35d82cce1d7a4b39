#include "parley/text_codec.hpp"

#include <algorithm>
#include <charconv>
#include <vector>

#include "parley/utf8.hpp"

namespace parley::text_codec {

namespace {

Reply error_reply(std::optional<RequestType> type, ErrorCode code, std::string message) {
    Reply r;
    r.for_type = type;
    if (type) r.for_name = std::string(to_string(*type));
    r.outcome = Failure{code, std::move(message)};
    return r;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// Splits off the first space-separated word of `rest`.
std::string_view next_word(std::string_view& rest) {
    rest = trim(rest);
    auto end = rest.find_first_of(" \t");
    auto word = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : trim(rest.substr(end));
    return word;
}

std::vector<std::string_view> words(std::string_view rest) {
    std::vector<std::string_view> out;
    while (!(rest = trim(rest)).empty()) out.push_back(next_word(rest));
    return out;
}

bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<std::uint64_t> parse_count(std::string_view s) {
    std::uint64_t v = 0;
    auto res = std::from_chars(s.data(), s.data() + s.size(), v);
    if (res.ec != std::errc{} || res.ptr != s.data() + s.size()) return std::nullopt;
    return v;
}

std::string lowercase(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

// Argument rules of each command: how many words, and which are optional.
json_codec::Decoded decode_command(RequestType type, std::string_view rest) {
    Request req;
    req.type = type;
    auto usage = [type](const char* text) { return error_reply(type, ErrorCode::bad_request, std::string("usage: ") + text); };
    auto args = words(rest);
    switch (type) {
        case RequestType::nick:
            if (args.size() != 1) return usage("/nick NAME");
            req.nick = args[0];
            break;
        case RequestType::join:
            if (args.size() != 1) return usage("/join ROOM");
            req.room = args[0];
            break;
        case RequestType::leave:
        case RequestType::who:
            if (args.size() > 1) return usage(type == RequestType::leave ? "/leave [ROOM]" : "/who [ROOM]");
            if (args.empty()) req.room_defaulted = true;
            else req.room = args[0];
            break;
        case RequestType::msg: {
            auto to = next_word(rest);
            if (to.empty() || rest.empty()) return usage("/msg NICK TEXT");
            req.to = to;
            req.text = rest;
            break;
        }
        case RequestType::history:
            if (args.size() > 2) return usage("/history [ROOM] [N]");
            // A lone number is a count: "/history 20" reads the current room.
            if (args.size() == 2 || (args.size() == 1 && !all_digits(args[0]))) req.room = args[0];
            else req.room_defaulted = true;
            if (args.size() == 2 || (args.size() == 1 && all_digits(args[0]))) {
                req.limit = parse_count(args.back());
                if (!req.limit) return usage("/history [ROOM] [N] (N a whole number)");
            }
            break;
        case RequestType::echo:
            // Echo keeps the text exactly, inner and trailing spaces included.
            if (trim(rest).empty()) return usage("/echo TEXT");
            req.text = rest;
            break;
        case RequestType::shutdown:
            if (args.size() != 1) return usage("/shutdown TOKEN");
            req.token = args[0];
            break;
        default:
            if (!args.empty()) return error_reply(type, ErrorCode::bad_request, "this command takes no arguments");
            break;
    }
    return req;
}

void append_list(std::string& out, const std::vector<std::string>& items) {
    if (items.empty()) {
        out.append("nobody");
        return;
    }
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) out.append(", ");
        append_escaped(out, items[i]);
    }
}

void append_message_line(std::string& out, std::string_view room, std::string_view from, std::string_view text) {
    out.push_back('[');
    append_escaped(out, room);
    out.append("] ");
    append_escaped(out, from);
    out.append(": ");
    append_escaped(out, text);
    out.push_back('\n');
}

struct SummaryWriter {
    std::string& out;
    void operator()(const ok::Empty&) const {}
    void operator()(const ok::Hello& p) const {
        out.append("hello ");
        append_escaped(out, p.nick);
        out.append(", this is parleyd; /help lists the commands");
    }
    void operator()(const ok::Nick& p) const {
        out.append("you are now ");
        append_escaped(out, p.nick);
    }
    void operator()(const ok::Join& p) const {
        out.append("joined ");
        append_escaped(out, p.room);
        out.append(" (").append(std::to_string(p.members.size())).append(" here: ");
        append_list(out, p.members);
        out.push_back(')');
    }
    void operator()(const ok::Leave& p) const {
        out.append("left ");
        append_escaped(out, p.room);
    }
    void operator()(const ok::Say& p) const {
        out.append("said in ");
        append_escaped(out, p.room);
        out.append(" (seq ").append(std::to_string(p.seq)).push_back(')');
    }
    void operator()(const ok::Msg& p) const {
        out.append("sent to ");
        append_escaped(out, p.to);
    }
    void operator()(const ok::Who& p) const {
        append_escaped(out, p.room);
        out.append(": ");
        append_list(out, p.members);
    }
    void operator()(const ok::Rooms& p) const {
        if (p.rooms.empty()) {
            out.append("no rooms");
            return;
        }
        out.append(std::to_string(p.rooms.size())).append(p.rooms.size() == 1 ? " room: " : " rooms: ");
        for (std::size_t i = 0; i < p.rooms.size(); ++i) {
            if (i) out.append(", ");
            append_escaped(out, p.rooms[i].name);
            out.append(" (").append(std::to_string(p.rooms[i].members)).push_back(')');
        }
    }
    void operator()(const ok::History&) const {}  // written by encode()
    void operator()(const ok::Echo&) const {}      // written by encode()
    void operator()(const ok::Ping& p) const { out.append("pong ").append(std::to_string(p.ts)); }
    void operator()(const ok::Stats& p) const {
        const auto& s = p.stats;
        out.append("connections=").append(std::to_string(s.connections))
            .append(" rooms=").append(std::to_string(s.rooms))
            .append(" uptime_s=").append(std::to_string(s.uptime_s))
            .append(" frames_in=").append(std::to_string(s.frames_in))
            .append(" frames_out=").append(std::to_string(s.frames_out))
            .append(" bytes_in=").append(std::to_string(s.bytes_in))
            .append(" bytes_out=").append(std::to_string(s.bytes_out))
            .append(" udp_datagrams=").append(std::to_string(s.udp_datagrams));
        if (s.cluster) {
            out.append("; cluster node=");
            append_escaped(out, s.cluster->node);
            out.append(" nodes=").append(std::to_string(s.cluster->nodes))
                .append(" connections=").append(std::to_string(s.cluster->connections))
                .append(" rooms=").append(std::to_string(s.cluster->rooms));
        }
    }
};

struct EventLineWriter {
    std::string& out;
    void operator()(const ev::Message& e) const { append_message_line(out, e.room, e.from, e.text); }
    void operator()(const ev::Private& e) const {
        out.append("(pm) ");
        append_escaped(out, e.from);
        out.append(": ");
        append_escaped(out, e.text);
        out.push_back('\n');
    }
    void operator()(const ev::Joined& e) const { notice(e.nick, " joined ", e.room); }
    void operator()(const ev::Left& e) const { notice(e.nick, " left ", e.room); }
    void operator()(const ev::NickChanged& e) const { notice(e.old_nick, " is now ", e.nick); }
    void operator()(const ev::Shutdown&) const { out.append("* server shutting down\n"); }

    void notice(std::string_view who, std::string_view verb, std::string_view what) const {
        out.append("* ");
        append_escaped(out, who);
        out.append(verb);
        append_escaped(out, what);
        out.push_back('\n');
    }
};

}  // namespace

json_codec::Decoded decode(std::string_view frame) {
    if (frame.empty() || frame.front() != '/' || frame.starts_with("//")) {
        Request req;
        req.type = RequestType::say;
        req.plain_line = true;
        req.room_defaulted = true;
        req.text = frame.starts_with("//") ? frame.substr(1) : frame;
        return req;
    }
    std::string_view rest = frame.substr(1);
    auto end = rest.find_first_of(" \t");
    std::string word = lowercase(rest.substr(0, end));
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
    auto type = request_type_from(word);
    if (!type || *type == RequestType::say) {
        Reply r = error_reply(std::nullopt, ErrorCode::unknown_type, "unknown command /" + escaped(word) + "; /help lists the commands");
        return r;
    }
    return decode_command(*type, rest);
}

std::string encode(const Reply& reply) {
    std::string out;
    encode_into(reply, out);
    return out;
}

void encode_into(const Reply& reply, std::string& out) {
    if (!reply.ok()) {
        const auto& f = reply.failure();
        out.append("! ").append(to_string(f.code)).append(": ");
        append_escaped(out, f.message);
        if (f.retry_after_ms) out.append(" (retry after ").append(std::to_string(*f.retry_after_ms)).append(" ms)");
        out.push_back('\n');
        return;
    }
    if (reply.silent_in_text) return;
    const auto& payload = std::get<OkPayload>(reply.outcome);
    if (const auto* echo = std::get_if<ok::Echo>(&payload)) {
        append_escaped(out, echo->text);
        out.push_back('\n');
        return;
    }
    if (const auto* h = std::get_if<ok::History>(&payload)) {
        for (const auto& m : h->messages) append_message_line(out, h->room, m.from, m.text);
        out.append("+ ").append(std::to_string(h->messages.size())).append(h->messages.size() == 1 ? " message of " : " messages of ");
        append_escaped(out, h->room);
        out.append(" (latest seq ").append(std::to_string(h->seq)).push_back(')');
        if (h->truncated) out.append("; older messages are no longer kept");
        out.push_back('\n');
        return;
    }
    out.append("+ ");
    if (std::holds_alternative<ok::Empty>(payload)) {
        switch (reply.for_type.value_or(RequestType::ping)) {
            case RequestType::quit: out.append("bye"); break;
            case RequestType::shutdown: out.append("server shutting down"); break;
            case RequestType::help: out.append(help_text()); break;
            default: out.append("ok"); break;
        }
    } else {
        std::visit(SummaryWriter{out}, payload);
    }
    out.push_back('\n');
}

std::string encode(const Event& event) {
    std::string out;
    std::visit(EventLineWriter{out}, event);
    return out;
}

void append_escaped(std::string& out, std::string_view s) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::size_t pos = 0;
    while (pos < s.size()) {
        std::size_t start = pos;
        char32_t cp = utf8::decode_next(s, pos);
        if (cp == '\\') {
            out.append("\\\\");
        } else if (cp < 0x20 || cp == 0x7F) {
            out.append("\\x");
            out.push_back(hex[cp >> 4]);
            out.push_back(hex[cp & 0xF]);
        } else if ((cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029) {
            out.append("\\u");
            for (int shift = 12; shift >= 0; shift -= 4) out.push_back(hex[(cp >> shift) & 0xF]);
        } else {
            out.append(s.data() + start, pos - start);
        }
    }
}

std::string escaped(std::string_view s) {
    std::string out;
    append_escaped(out, s);
    return out;
}

std::string_view help_text() {
    return "commands: /nick NAME, /join ROOM, /leave [ROOM], /msg NICK TEXT, /who [ROOM], /rooms, "
           "/history [ROOM] [N], /echo TEXT, /ping, /stats, /hello, /quit, /shutdown TOKEN, /help; "
           "any other line is said to your current room (//x says /x)";
}

std::size_t history_entry_size(const std::string& room, const StoredMessage& message) {
    std::string line;
    append_message_line(line, room, message.from, message.text);
    return line.size();
}

}  // namespace parley::text_codec
