#include "parley/json_codec.hpp"

#include <limits>
#include <optional>
#include <nlohmann/json.hpp>
#include <simdjson.h>

#include "parley/json_writer.hpp"
#include "parley_version.h"

namespace parley::json_codec {

namespace {

constexpr std::size_t kMaxIdBytes = 64;

Reply error_reply(ErrorCode code, std::string message) {
    Reply r;
    r.outcome = Failure{code, std::move(message)};
    return r;
}

// One top-level field of a request as the SAX parser saw it. Nested values
// are only checked for syntax: no DOM is built for a frame.
// Only `kind` is set up front: the value members are read only once `kind`
// says which one holds something, so a frame does not pay for clearing them.
struct Field {
    enum class Kind : std::uint8_t { absent, string, integer, unsigned_integer, other } kind = Kind::absent;
    std::string_view text;  // into the parser's buffer, valid until the next frame
    std::int64_t integer;
    std::uint64_t unsigned_integer;
};

struct RequestFields {
    Field type, id, nick, room, text, to, token, since, limit;

    Field* find(std::string_view key) {
        if (key == "type") return &type;
        if (key == "id") return &id;
        if (key == "room") return &room;
        if (key == "text") return &text;
        if (key == "nick") return &nick;
        if (key == "to") return &to;
        if (key == "token") return &token;
        if (key == "since") return &since;
        if (key == "limit") return &limit;
        return nullptr;
    }
};

// Reads the top-level fields we know out of a parsed request; nested values
// were checked for syntax and UTF-8 by the parser and are otherwise ignored.
// A repeated key keeps its last value.
void collect_fields(simdjson::dom::object obj, RequestFields& fields) {
    for (auto [key, value] : obj) {
        Field* f = fields.find(key);
        if (f == nullptr) continue;
        switch (value.type()) {
            case simdjson::dom::element_type::STRING:
                f->kind = Field::Kind::string;
                f->text = std::string_view(value);
                break;
            case simdjson::dom::element_type::INT64:
                f->kind = Field::Kind::integer;
                f->integer = std::int64_t(value);
                break;
            case simdjson::dom::element_type::UINT64:
                f->kind = Field::Kind::unsigned_integer;
                f->unsigned_integer = std::uint64_t(value);
                break;
            default:
                f->kind = Field::Kind::other;
                break;
        }
    }
}

// The slow path for what simdjson refuses although it is valid JSON: numbers
// beyond 64 bits or beyond double's range. nlohmann/json reads those (as
// doubles), and a field holding one is then simply not an integer.
void collect_fields(const nlohmann::json& obj, RequestFields& fields) {
    for (const auto& [key, value] : obj.items()) {
        Field* f = fields.find(key);
        if (f == nullptr) continue;
        if (value.is_string()) {
            f->kind = Field::Kind::string;
            f->text = value.get_ref<const std::string&>();
        } else if (value.is_number_unsigned()) {
            f->kind = Field::Kind::unsigned_integer;
            f->unsigned_integer = value.get<std::uint64_t>();
        } else if (value.is_number_integer()) {
            f->kind = Field::Kind::integer;
            f->integer = value.get<std::int64_t>();
        } else {
            f->kind = Field::Kind::other;
        }
    }
}

bool is_number_range_error(simdjson::error_code e) {
    return e == simdjson::NUMBER_ERROR || e == simdjson::NUMBER_OUT_OF_RANGE;
}

bool read_string(Field& f, std::string& out) {
    if (f.kind != Field::Kind::string) return false;
    out = f.text;
    return true;
}

// An optional non-negative integer; false when present but not one.
bool read_count(const Field& f, std::optional<std::uint64_t>& out) {
    switch (f.kind) {
        case Field::Kind::absent: return true;
        case Field::Kind::unsigned_integer: out = f.unsigned_integer; return true;
        case Field::Kind::integer:
            if (f.integer < 0) return false;
            out = static_cast<std::uint64_t>(f.integer);
            return true;
        default: return false;
    }
}

bool read_id(Field& f, RequestId& out) {
    switch (f.kind) {
        case Field::Kind::absent: return true;
        case Field::Kind::string:
            if (f.text.size() > kMaxIdBytes) return false;
            out = std::string(f.text);
            return true;
        case Field::Kind::unsigned_integer:
            if (f.unsigned_integer > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return false;
            out = static_cast<std::int64_t>(f.unsigned_integer);
            return true;
        case Field::Kind::integer: out = f.integer; return true;
        default: return false;
    }
}

// The fields each type needs; the message names what is missing.
const char* read_fields(RequestFields& in, Request& req) {
    switch (req.type) {
        case RequestType::nick:
            return read_string(in.nick, req.nick) ? nullptr : "nick must be a string";
        case RequestType::join:
        case RequestType::leave:
        case RequestType::who:
            return read_string(in.room, req.room) ? nullptr : "room must be a string";
        case RequestType::say:
            if (!read_string(in.room, req.room)) return "room must be a string";
            if (!read_string(in.text, req.text)) return "text must be a string";
            return req.text.empty() ? "text must not be empty" : nullptr;
        case RequestType::msg:
            if (!read_string(in.to, req.to)) return "to must be a string";
            if (!read_string(in.text, req.text)) return "text must be a string";
            return req.text.empty() ? "text must not be empty" : nullptr;
        case RequestType::history:
            if (!read_string(in.room, req.room)) return "room must be a string";
            if (!read_count(in.since, req.since)) return "since must be an integer >= 0";
            if (!read_count(in.limit, req.limit)) return "limit must be an integer >= 0";
            return nullptr;
        case RequestType::echo:
            return read_string(in.text, req.text) ? nullptr : "text must be a string";
        case RequestType::shutdown:
            return read_string(in.token, req.token) ? nullptr : "token must be a string";
        default:
            return nullptr;
    }
}

void append_string_array(std::string& out, const std::vector<std::string>& items) {
    out.push_back('[');
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) out.push_back(',');
        JsonWriter::append_string(out, items[i]);
    }
    out.push_back(']');
}

std::string message_object(const std::string& room, const StoredMessage& m) {
    JsonWriter w;
    w.field("room", room).field("from", m.from).field("text", m.text).field("seq", m.seq).field("ts", m.ts);
    std::string s = std::move(w).finish();
    s.pop_back();  // the frame's LF
    return s;
}

struct PayloadWriter {
    JsonWriter& w;
    void operator()(const ok::Empty&) const {}
    void operator()(const ok::Hello& p) const {
        w.field("server", "parleyd").field("version", PARLEY_VERSION).field("protocol", 1).field("nick", p.nick);
    }
    void operator()(const ok::Nick& p) const { w.field("nick", p.nick); }
    void operator()(const ok::Join& p) const {
        std::string members;
        append_string_array(members, p.members);
        w.field("room", p.room).raw_field("members", members).field("seq", p.seq);
    }
    void operator()(const ok::Leave& p) const { w.field("room", p.room); }
    void operator()(const ok::Say& p) const { w.field("room", p.room).field("seq", p.seq).field("ts", p.ts); }
    void operator()(const ok::Msg& p) const { w.field("to", p.to).field("ts", p.ts); }
    void operator()(const ok::Who& p) const {
        std::string members;
        append_string_array(members, p.members);
        w.field("room", p.room).raw_field("members", members);
    }
    void operator()(const ok::Rooms& p) const {
        std::string rooms = "[";
        for (std::size_t i = 0; i < p.rooms.size(); ++i) {
            if (i) rooms.push_back(',');
            rooms.append("{\"name\":");
            JsonWriter::append_string(rooms, p.rooms[i].name);
            rooms.append(",\"members\":").append(std::to_string(p.rooms[i].members)).push_back('}');
        }
        rooms.push_back(']');
        w.raw_field("rooms", rooms);
    }
    void operator()(const ok::History& p) const {
        std::string messages = "[";
        for (std::size_t i = 0; i < p.messages.size(); ++i) {
            if (i) messages.push_back(',');
            messages.append(message_object(p.room, p.messages[i]));
        }
        messages.push_back(']');
        w.field("room", p.room).raw_field("messages", messages).field("seq", p.seq).field("truncated", p.truncated);
    }
    void operator()(const ok::Echo& p) const { w.field("text", p.text); }
    void operator()(const ok::Ping& p) const { w.field("ts", p.ts); }
    void operator()(const ok::Stats& p) const {
        const auto& s = p.stats;
        w.field("connections", s.connections)
            .field("rooms", s.rooms)
            .field("uptime_s", s.uptime_s)
            .field("frames_in", s.frames_in)
            .field("frames_out", s.frames_out)
            .field("bytes_in", s.bytes_in)
            .field("bytes_out", s.bytes_out)
            .field("udp_datagrams", s.udp_datagrams);
        if (s.cluster) {
            JsonWriter c;
            c.field("node", s.cluster->node)
                .field("nodes", s.cluster->nodes)
                .field("connections", s.cluster->connections)
                .field("rooms", s.cluster->rooms);
            std::string obj = std::move(c).finish();
            obj.pop_back();  // the frame's LF
            w.raw_field("cluster", obj);
        }
    }
};

struct EventWriter {
    JsonWriter& w;
    void operator()(const ev::Message& e) const {
        w.field("type", "message").field("room", e.room).field("from", e.from).field("text", e.text)
            .field("seq", e.seq).field("ts", e.ts);
    }
    void operator()(const ev::Private& e) const {
        w.field("type", "private").field("from", e.from).field("to", e.to).field("text", e.text).field("ts", e.ts);
    }
    void operator()(const ev::Joined& e) const { w.field("type", "joined").field("room", e.room).field("nick", e.nick); }
    void operator()(const ev::Left& e) const {
        w.field("type", "left").field("room", e.room).field("nick", e.nick).field("reason", to_string(e.reason));
    }
    void operator()(const ev::NickChanged& e) const { w.field("type", "nick").field("old", e.old_nick).field("nick", e.nick); }
    void operator()(const ev::Shutdown& e) const { w.field("type", "shutdown").field("reason", to_string(e.reason)); }
};

}  // namespace

Decoded decode(std::string_view frame) {
    // simdjson validates the whole frame (syntax, UTF-8, surrogate escapes)
    // several times faster than a DOM or SAX pass of nlohmann/json; the parser
    // keeps its buffers between frames, so a frame costs no allocation here.
    static thread_local simdjson::dom::parser parser;
    simdjson::dom::element root;
    RequestFields fields;
    std::optional<nlohmann::json> slow;  // owns the strings `fields` points into on the slow path
    auto error = parser.parse(frame.data(), frame.size()).get(root);
    if (error == simdjson::SUCCESS) {
        simdjson::dom::object obj;
        if (root.get_object().get(obj) != simdjson::SUCCESS)
            return error_reply(ErrorCode::bad_json, "a request must be a JSON object");
        collect_fields(obj, fields);
    } else if (is_number_range_error(error)) {
        // nlohmann/json stops at a NUL as at the end of input, so it would take
        // `{...}\0garbage` for a whole object; JSON allows a raw NUL nowhere.
        if (frame.find('\0') != std::string_view::npos) return error_reply(ErrorCode::bad_json, "malformed JSON");
        slow = nlohmann::json::parse(frame.begin(), frame.end(), nullptr, /*allow_exceptions=*/false);
        if (slow->is_discarded()) return error_reply(ErrorCode::bad_json, "malformed JSON");
        if (!slow->is_object()) return error_reply(ErrorCode::bad_json, "a request must be a JSON object");
        collect_fields(*slow, fields);
    } else {
        return error_reply(ErrorCode::bad_json, "malformed JSON");
    }

    // The request is built where it is returned; a Reply exists only on the
    // error paths, with whatever of `for` and `id` could be read.
    Decoded out(std::in_place_type<Request>);
    Request& req = std::get<Request>(out);
    bool id_ok = read_id(fields.id, req.id);
    bool type_ok = fields.type.kind == Field::Kind::string;
    std::optional<RequestType> type;
    if (type_ok) type = request_type_from(fields.type.text);
    auto fail = [&](ErrorCode code, const char* message) -> Decoded {
        Reply err;
        if (id_ok) err.id = std::move(req.id);  // echoed whenever it could be read
        if (type_ok) {
            err.for_name = fields.type.text;
            if (code != ErrorCode::unknown_type) err.for_type = type;
        }
        err.outcome = Failure{code, message};
        return err;
    };
    if (!type_ok) return fail(ErrorCode::bad_request, "type must be a string");
    if (!id_ok) return fail(ErrorCode::bad_request, "id must be a string of at most 64 bytes or an int64");
    if (!type || *type == RequestType::help) return fail(ErrorCode::unknown_type, "unknown request type");
    req.type = *type;
    if (const char* problem = read_fields(fields, req)) return fail(ErrorCode::bad_request, problem);
    return out;
}

std::string encode(const Reply& reply) {
    std::string out;
    encode_into(reply, out);
    return out;
}

void encode_into(const Reply& reply, std::string& out) {
    JsonWriter w(out);
    w.field("type", reply.ok() ? "ok" : "error");
    if (!reply.for_name.empty()) w.field("for", reply.for_name);
    if (const auto* s = std::get_if<std::string>(&reply.id)) w.field("id", *s);
    if (const auto* n = std::get_if<std::int64_t>(&reply.id)) w.field("id", *n);
    if (reply.ok()) {
        std::visit(PayloadWriter{w}, std::get<OkPayload>(reply.outcome));
    } else {
        const auto& f = reply.failure();
        w.field("code", to_string(f.code)).field("message", f.message);
        if (f.retry_after_ms) w.field("retry_after_ms", *f.retry_after_ms);
    }
    w.close();
}

std::string encode(const Event& event) {
    JsonWriter w;
    std::visit(EventWriter{w}, event);
    return std::move(w).finish();
}

std::size_t history_entry_size(const std::string& room, const StoredMessage& message) {
    return message_object(room, message).size() + 1;
}

}  // namespace parley::json_codec
