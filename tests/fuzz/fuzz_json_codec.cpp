// The JSON codec on any frame the framer can hand it. Decoding must never
// crash or accept what PROTOCOL.md calls invalid; whatever it decodes must
// encode back into exactly one line of JSON that a strict parser accepts and
// that carries the same `for`, `id` and user text. Also checks the core's
// UTF-8 validator against an independent model, since every frame of both
// modes passes through it first.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "parley/json_codec.hpp"
#include "parley/utf8.hpp"
#include "utf8_model.hpp"

namespace {

using nlohmann::json;
using namespace parley;

// nlohmann/json as the reference parser. It tracks nesting, the one thing on
// which the core differs by design: simdjson refuses documents nested deeper
// than 1024 levels (bad_json), which bounds the parser's work per frame.
struct ReferenceSax : nlohmann::json_sax<json> {
    std::size_t depth = 0, max_depth = 0;
    bool null() override { return true; }
    bool boolean(bool) override { return true; }
    bool number_integer(number_integer_t) override { return true; }
    bool number_unsigned(number_unsigned_t) override { return true; }
    bool number_float(number_float_t, const string_t&) override { return true; }
    bool string(string_t&) override { return true; }
    bool binary(binary_t&) override { return true; }
    bool start_object(std::size_t) override { return push(); }
    bool key(string_t&) override { return true; }
    bool end_object() override { return pop(); }
    bool start_array(std::size_t) override { return push(); }
    bool end_array() override { return pop(); }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }
    bool push() {
        max_depth = std::max(max_depth, ++depth);
        return true;
    }
    bool pop() {
        --depth;
        return true;
    }
};
constexpr std::size_t kCoreMaxDepth = 1024;  // simdjson's default

// One frame out: one JSON object on one line, LF-terminated, valid UTF-8.
json parse_line(const std::string& line) {
    FUZZ_CHECK(!line.empty() && line.back() == '\n');
    FUZZ_CHECK(line.find('\n') == line.size() - 1);
    FUZZ_CHECK(fuzz_model::decode_utf8(line).has_value());
    json obj = json::parse(line, nullptr, /*allow_exceptions=*/false);
    FUZZ_CHECK(!obj.is_discarded());
    FUZZ_CHECK(obj.is_object());
    return obj;
}

void check_id(const json& obj, const RequestId& id) {
    if (const auto* s = std::get_if<std::string>(&id)) {
        FUZZ_CHECK(s->size() <= 64);
        FUZZ_CHECK(obj.contains("id") && obj["id"].is_string() && obj["id"].get<std::string>() == *s);
    } else if (const auto* n = std::get_if<std::int64_t>(&id)) {
        FUZZ_CHECK(obj.contains("id") && obj["id"].is_number_integer() && obj["id"].get<std::int64_t>() == *n);
    } else {
        FUZZ_CHECK(!obj.contains("id"));
    }
}

// A reply to a decoded request, with the request's own strings in it, must
// survive the trip through JsonWriter unchanged.
void check_request(const Request& req, std::string_view frame) {
    FUZZ_CHECK(req.type != RequestType::help);  // text mode only
    if (req.type == RequestType::say || req.type == RequestType::msg) FUZZ_CHECK(!req.text.empty());

    // The same fields as the reference parser reads them (a repeated key
    // keeps its last value in both).
    json original = json::parse(frame, nullptr, false);
    FUZZ_CHECK(original.is_object() && original["type"].is_string());
    FUZZ_CHECK(original["type"].get<std::string>() == to_string(req.type));
    auto same = [&](const char* key, const std::string& value) {
        FUZZ_CHECK(original[key].is_string() && original[key].get<std::string>() == value);
    };
    switch (req.type) {
        case RequestType::nick: same("nick", req.nick); break;
        case RequestType::join: case RequestType::leave: case RequestType::who: same("room", req.room); break;
        case RequestType::say: same("room", req.room); same("text", req.text); break;
        case RequestType::msg: same("to", req.to); same("text", req.text); break;
        case RequestType::echo: same("text", req.text); break;
        case RequestType::shutdown: same("token", req.token); break;
        case RequestType::history:
            same("room", req.room);
            if (req.since) FUZZ_CHECK(original["since"] == *req.since);
            else FUZZ_CHECK(!original.contains("since"));
            if (req.limit) FUZZ_CHECK(original["limit"] == *req.limit);
            else FUZZ_CHECK(!original.contains("limit"));
            break;
        default: break;
    }
    if (const auto* s = std::get_if<std::string>(&req.id)) FUZZ_CHECK(original["id"] == *s);
    else if (const auto* n = std::get_if<std::int64_t>(&req.id)) FUZZ_CHECK(original["id"] == *n);
    else FUZZ_CHECK(!original.contains("id"));

    Reply reply;
    reply.for_type = req.type;
    reply.for_name = std::string(to_string(req.type));
    reply.id = req.id;
    switch (req.type) {
        case RequestType::echo: reply.outcome = OkPayload{ok::Echo{req.text}}; break;
        case RequestType::nick: reply.outcome = OkPayload{ok::Nick{req.nick}}; break;
        case RequestType::join: reply.outcome = OkPayload{ok::Join{req.room, {req.room, req.text}, 7}}; break;
        case RequestType::history:
            reply.outcome = OkPayload{ok::History{req.room, {{req.to, req.text, 1, 2}}, 1, true}};
            break;
        default: reply.outcome = Failure{ErrorCode::forbidden, req.token}; break;
    }
    json obj = parse_line(json_codec::encode(reply));
    FUZZ_CHECK(obj["for"] == reply.for_name);
    check_id(obj, req.id);
    if (req.type == RequestType::echo) FUZZ_CHECK(obj["text"] == req.text);
    if (req.type == RequestType::nick) FUZZ_CHECK(obj["nick"] == req.nick);
    if (req.type == RequestType::join) FUZZ_CHECK(obj["members"][1] == req.text);
    if (req.type == RequestType::history) FUZZ_CHECK(obj["messages"][0]["text"] == req.text);
}

void check_error(const Reply& reply) {
    FUZZ_CHECK(!reply.ok());
    auto code = reply.failure().code;
    FUZZ_CHECK(code == ErrorCode::bad_json || code == ErrorCode::bad_request || code == ErrorCode::unknown_type);
    json obj = parse_line(json_codec::encode(reply));
    FUZZ_CHECK(obj["type"] == "error");
    FUZZ_CHECK(obj["code"] == std::string(to_string(code)));
    check_id(obj, reply.id);
    // An unreadable type has no `for`; a readable one is echoed as given.
    if (reply.for_name.empty()) FUZZ_CHECK(!obj.contains("for"));
    else FUZZ_CHECK(obj["for"] == reply.for_name);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view frame(reinterpret_cast<const char*>(data), size);

    auto model = fuzz_model::decode_utf8(frame);
    FUZZ_CHECK(utf8::is_valid(frame) == model.has_value());
    if (!model) {
        // The Client hands JSON frames over unchecked (the parser validates
        // UTF-8 in the same pass), so invalid UTF-8 anywhere is bad_json.
        auto decoded = json_codec::decode(frame);
        const auto* error = std::get_if<Reply>(&decoded);
        FUZZ_CHECK(error != nullptr && error->failure().code == ErrorCode::bad_json);
        return 0;
    }
    FUZZ_CHECK(utf8::length(frame) == model->size());
    std::size_t pos = 0;
    for (char32_t cp : *model) FUZZ_CHECK(utf8::decode_next(frame, pos) == cp);
    FUZZ_CHECK(pos == frame.size());

    // bad_json exactly when the reference parser finds no JSON object.
    ReferenceSax sax;
    // nlohmann stops at a NUL byte as at the end of input; JSON allows a raw
    // NUL nowhere, so the reference must not see past one.
    bool reference_ok = frame.find('\0') == std::string_view::npos && json::sax_parse(frame, &sax);
    bool reference_object = reference_ok && !frame.empty() && frame[frame.find_first_not_of(" \t\r\n")] == '{';
    auto decoded = json_codec::decode(frame);
    const auto* error = std::get_if<Reply>(&decoded);
    bool core_bad_json = error != nullptr && error->failure().code == ErrorCode::bad_json;
    if (!reference_object) FUZZ_CHECK(core_bad_json);  // never accept what is not a JSON object
    if (reference_object && sax.max_depth <= kCoreMaxDepth) FUZZ_CHECK(!core_bad_json);

    if (error == nullptr) check_request(std::get<Request>(decoded), frame);
    else check_error(*error);

    // Arbitrary valid UTF-8 as user text in an event comes back unchanged.
    std::string text(frame);
    json msg = parse_line(json_codec::encode(Event{ev::Message{text, text, text, 3, -4}}));
    FUZZ_CHECK(msg["type"] == "message" && msg["text"] == text && msg["room"] == text && msg["from"] == text);
    json pm = parse_line(json_codec::encode(Event{ev::Private{text, text, text, 5}}));
    FUZZ_CHECK(pm["type"] == "private" && pm["text"] == text);
    return 0;
}
