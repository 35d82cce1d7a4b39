#include "parley/json_writer.hpp"

#include <charconv>
#include <cstring>

namespace parley {

namespace {

// What a JSON string cannot hold raw, and DEL, which terminals act on.
constexpr bool needs_escape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\' || c == 0x7F; }

// Whether any of 8 bytes needs an escape, tested all at once (the classic
// "has a zero byte" / "has a byte less than n" word tricks, exact for n <= 128).
bool word_needs_escape(std::uint64_t w) {
    constexpr std::uint64_t ones = 0x0101010101010101, highs = 0x8080808080808080;
    auto has_zero = [](std::uint64_t v) { return (v - ones) & ~v & highs; };
    return (((w - ones * 0x20) & ~w & highs) | has_zero(w ^ (ones * '"')) | has_zero(w ^ (ones * '\\')) |
            has_zero(w ^ (ones * 0x7F))) != 0;
}

// How many leading bytes of `value` need no escape.
std::size_t clean_prefix(std::string_view value) {
    std::size_t i = 0;
    for (std::uint64_t w; i + 8 <= value.size(); i += 8) {
        std::memcpy(&w, value.data() + i, 8);
        if (word_needs_escape(w)) break;
    }
    while (i < value.size() && !needs_escape(static_cast<unsigned char>(value[i]))) ++i;
    return i;
}

// Writes `value` quoted and escaped through put(string_view): the runs
// that need no escape (nearly all text) go out whole.
template <class Put>
void write_string(Put&& put, std::string_view value) {
    static constexpr char hex[] = "0123456789abcdef";
    put(std::string_view("\"", 1));
    std::size_t run = 0;  // start of the current run of bytes needing no escape
    for (std::size_t i = clean_prefix(value); i < value.size(); ++i) {
        auto c = static_cast<unsigned char>(value[i]);
        if (!needs_escape(c)) continue;
        put(value.substr(run, i - run));
        run = i + 1;
        switch (c) {
            case '"': put("\\\""); break;
            case '\\': put("\\\\"); break;
            case '\n': put("\\n"); break;
            case '\r': put("\\r"); break;
            case '\t': put("\\t"); break;
            default: {
                const char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xF]};
                put(std::string_view(u, sizeof u));
            }
        }
    }
    put(value.substr(run));
    put(std::string_view("\"", 1));
}

}  // namespace

void JsonWriter::append_string(std::string& out, std::string_view value) {
    write_string([&out](std::string_view bytes) { out.append(bytes); }, value);
}

void JsonWriter::put_large(std::string_view bytes) {
    flush();
    if (bytes.size() > sizeof staged_) out_->append(bytes);
    else put(bytes);
}

void JsonWriter::flush() {
    out_->append(staged_, used_);
    used_ = 0;
}

void JsonWriter::key(std::string_view k) {
    if (!first_) put(',');
    first_ = false;
    put('"');
    put(k);
    put(std::string_view("\":", 2));
}

JsonWriter& JsonWriter::field(std::string_view k, std::string_view value) {
    key(k);
    write_string([this](std::string_view bytes) { put(bytes); }, value);
    return *this;
}

JsonWriter& JsonWriter::field(std::string_view k, std::int64_t value) {
    key(k);
    char buf[24];
    auto res = std::to_chars(buf, buf + sizeof buf, value);
    put(std::string_view(buf, static_cast<std::size_t>(res.ptr - buf)));
    return *this;
}

JsonWriter& JsonWriter::field(std::string_view k, std::uint64_t value) {
    key(k);
    char buf[24];
    auto res = std::to_chars(buf, buf + sizeof buf, value);
    put(std::string_view(buf, static_cast<std::size_t>(res.ptr - buf)));
    return *this;
}

JsonWriter& JsonWriter::field(std::string_view k, bool value) {
    key(k);
    put(value ? std::string_view("true") : std::string_view("false"));
    return *this;
}

JsonWriter& JsonWriter::raw_field(std::string_view k, std::string_view json) {
    key(k);
    put(json);
    return *this;
}

void JsonWriter::close() {
    put(std::string_view("}\n", 2));
    flush();
}

std::string JsonWriter::finish() && {
    close();
    return std::move(own_);
}

}  // namespace parley
