#pragma once
// Builds one JSON object as a single line. Replies and events have fixed,
// flat shapes, so writing them directly is both faster than building a DOM and
// keeps field order stable for readers of captures and logs.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace parley {

class JsonWriter {
public:
    // Builds into a string of its own; take it with finish().
    JsonWriter() : out_(&own_) { put('{'); }
    // Appends to `out` (a reused buffer on the hot path); end with close(),
    // which is when the bytes reach `out`.
    explicit JsonWriter(std::string& out) : out_(&out) { put('{'); }
    JsonWriter(const JsonWriter&) = delete;
    JsonWriter& operator=(const JsonWriter&) = delete;

    JsonWriter& field(std::string_view key, std::string_view value);
    JsonWriter& field(std::string_view key, const char* value) { return field(key, std::string_view(value)); }
    JsonWriter& field(std::string_view key, std::int64_t value);
    JsonWriter& field(std::string_view key, std::uint64_t value);
    JsonWriter& field(std::string_view key, int value) { return field(key, static_cast<std::int64_t>(value)); }
    JsonWriter& field(std::string_view key, bool value);
    // A value that is already JSON (an array built by the caller).
    JsonWriter& raw_field(std::string_view key, std::string_view json);

    // Closes the object and appends the LF that ends a frame.
    std::string finish() &&;
    void close();

    // `value` as a quoted, escaped JSON string.
    static void append_string(std::string& out, std::string_view value);

private:
    void key(std::string_view k);
    void put(char c) {
        if (used_ == sizeof staged_) flush();
        staged_[used_++] = c;
    }
    void put(std::string_view bytes) {
        if (bytes.size() > sizeof staged_ - used_) return put_large(bytes);
        std::memcpy(staged_ + used_, bytes.data(), bytes.size());
        used_ += bytes.size();
    }
    void put_large(std::string_view bytes);
    void flush();

    std::string own_;
    std::string* out_;
    bool first_ = true;
    // A reply or event is a handful of short pieces: they gather here and
    // reach the string in one append, not one capacity check per piece.
    std::size_t used_ = 0;
    char staged_[256];
};

}  // namespace parley
