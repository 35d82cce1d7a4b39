#pragma once
// Builds one JSON object as a single line. Replies and events have fixed,
// flat shapes, so writing them directly is both faster than building a DOM and
// keeps field order stable for readers of captures and logs.
#include <cstdint>
#include <string>
#include <string_view>

namespace parley {

class JsonWriter {
public:
    // Builds into a string of its own; take it with finish().
    JsonWriter() : out_(&own_) { out_->push_back('{'); }
    // Appends to `out` (a reused buffer on the hot path); end with close().
    explicit JsonWriter(std::string& out) : out_(&out) { out_->push_back('{'); }
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
    void close() { out_->append("}\n"); }

    static void append_string(std::string& out, std::string_view value);

private:
    void key(std::string_view k);
    std::string own_;
    std::string* out_;
    bool first_ = true;
};

}  // namespace parley
