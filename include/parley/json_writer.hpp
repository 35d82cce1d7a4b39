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
    JsonWriter() { out_.push_back('{'); }

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

    static void append_string(std::string& out, std::string_view value);

private:
    void key(std::string_view k);
    std::string out_;
};

}  // namespace parley
