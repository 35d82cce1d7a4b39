// The text codec (netcat users) and the name rules on any valid frame.
// Decoding must follow the slash-command rules; everything encoded for a
// terminal must be free of control characters, C1 controls and line
// separators, yet map back to exactly what the user sent (PROTOCOL.md,
// "Text-mode escaping"). Nick and room rules are checked against a model.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"
#include "parley/names.hpp"
#include "parley/text_codec.hpp"
#include "parley/utf8.hpp"
#include "utf8_model.hpp"

namespace {

using namespace parley;

// Every line is valid UTF-8 with nothing a terminal would act on; returns
// the number of lines.
std::size_t check_terminal_safe(std::string_view out) {
    FUZZ_CHECK(!out.empty() && out.back() == '\n');
    std::size_t lines = 0;
    while (!out.empty()) {
        std::size_t lf = out.find('\n');
        auto cps = fuzz_model::decode_utf8(out.substr(0, lf));
        FUZZ_CHECK(cps.has_value());
        for (char32_t cp : *cps) FUZZ_CHECK(!fuzz_model::unsafe_for_terminal(cp));
        out.remove_prefix(lf + 1);
        ++lines;
    }
    return lines;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;  // the codec writes upper case only
}

// Undoes the escaping; nullopt for anything the codec should never write.
std::optional<std::string> unescape(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '\\') {
            out.push_back(s[i]);
            continue;
        }
        if (i + 1 >= s.size()) return std::nullopt;
        char kind = s[++i];
        if (kind == '\\') {
            out.push_back('\\');
            continue;
        }
        std::size_t digits = kind == 'x' ? 2 : kind == 'u' ? 4 : 0;
        if (digits == 0) return std::nullopt;
        char32_t cp = 0;
        for (std::size_t k = 1; k <= digits; ++k) {
            if (i + k >= s.size()) return std::nullopt;
            int v = hex_value(s[i + k]);
            if (v < 0) return std::nullopt;
            cp = (cp << 4) | static_cast<char32_t>(v);
        }
        i += digits;
        // Only what must be escaped is escaped, so the mapping is one to one.
        if (!fuzz_model::unsafe_for_terminal(cp)) return std::nullopt;
        if (kind == 'x' && cp > 0x7F) return std::nullopt;
        fuzz_model::append_utf8(out, cp);
    }
    return out;
}

bool model_space(char32_t cp) {
    return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F ||
           cp == 0x3000;
}

bool model_name(const std::vector<char32_t>& cps, std::size_t max_len, std::u32string_view forbidden) {
    if (cps.empty() || cps.size() > max_len) return false;
    for (char32_t cp : cps) {
        if (model_space(cp) || cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) return false;
        if (forbidden.find(cp) != std::u32string_view::npos) return false;
    }
    return true;
}

void check_decoded(std::string_view frame) {
    auto decoded = text_codec::decode(frame);
    bool plain = frame.empty() || frame.front() != '/' || frame.starts_with("//");
    if (const auto* req = std::get_if<Request>(&decoded)) {
        FUZZ_CHECK((req->type == RequestType::say) == plain);
        if (plain) {
            FUZZ_CHECK(req->plain_line && req->room_defaulted);
            FUZZ_CHECK(req->text == (frame.starts_with("//") ? frame.substr(1) : frame));
        }
        if (req->room_defaulted) FUZZ_CHECK(req->room.empty());
        if (req->type == RequestType::msg) FUZZ_CHECK(!req->to.empty() && !req->text.empty());
        if (req->type == RequestType::echo) FUZZ_CHECK(!req->text.empty());
        Reply reply;
        reply.for_type = req->type;
        reply.id = req->id;
        reply.outcome = OkPayload{ok::Echo{req->text}};
        std::string line = text_codec::encode(reply);
        FUZZ_CHECK(check_terminal_safe(line) == 1);
        line.pop_back();
        FUZZ_CHECK(unescape(line) == req->text);
    } else {
        FUZZ_CHECK(!plain);
        const Reply& reply = std::get<Reply>(decoded);
        FUZZ_CHECK(!reply.ok());
        auto code = reply.failure().code;
        FUZZ_CHECK(code == ErrorCode::unknown_type || code == ErrorCode::bad_request);
        std::string line = text_codec::encode(reply);
        FUZZ_CHECK(check_terminal_safe(line) == 1);
        FUZZ_CHECK(line.starts_with("! " + std::string(to_string(code)) + ": "));
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view frame(reinterpret_cast<const char*>(data), size);
    auto cps = fuzz_model::decode_utf8(frame);
    if (!cps) return 0;  // rejected as bad_json before decoding
    std::string text(frame);

    check_decoded(frame);

    std::string esc = text_codec::escaped(text);
    if (!esc.empty()) check_terminal_safe(esc + "\n");
    FUZZ_CHECK(unescape(esc) == text);

    // Events and multi-line replies carrying hostile text stay one line per item.
    FUZZ_CHECK(check_terminal_safe(text_codec::encode(Event{ev::Message{text, text, text, 1, 2}})) == 1);
    FUZZ_CHECK(check_terminal_safe(text_codec::encode(Event{ev::Private{text, text, text, 3}})) == 1);
    FUZZ_CHECK(check_terminal_safe(text_codec::encode(Event{ev::NickChanged{text, text}})) == 1);
    FUZZ_CHECK(check_terminal_safe(text_codec::encode(Event{ev::Left{text, text, LeaveReason::quit}})) == 1);
    Reply history;
    history.for_type = RequestType::history;
    history.outcome = OkPayload{ok::History{text, {{text, text, 1, 0}, {text, text, 2, 0}}, 2, true}};
    FUZZ_CHECK(check_terminal_safe(text_codec::encode(history)) == 3);
    Reply who;
    who.for_type = RequestType::who;
    who.outcome = OkPayload{ok::Who{text, {text, text}}};
    FUZZ_CHECK(check_terminal_safe(text_codec::encode(who)) == 1);
    Reply failed;
    failed.for_type = RequestType::join;
    failed.outcome = Failure{ErrorCode::invalid_room, text};
    FUZZ_CHECK(check_terminal_safe(text_codec::encode(failed)) == 1);

    FUZZ_CHECK(names::valid_nick(frame) == model_name(*cps, 32, U"/@#:,\"\\"));
    FUZZ_CHECK(names::valid_room(frame) == model_name(*cps, 64, U""));
    return 0;
}
