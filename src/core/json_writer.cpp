#include "parley/json_writer.hpp"

#include <charconv>

namespace parley {

void JsonWriter::append_string(std::string& out, std::string_view value) {
    static constexpr char hex[] = "0123456789abcdef";
    out.push_back('"');
    std::size_t run = 0;  // start of the current run of bytes needing no escape
    for (std::size_t i = 0; i < value.size(); ++i) {
        auto c = static_cast<unsigned char>(value[i]);
        if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7F) continue;
        out.append(value.data() + run, i - run);
        run = i + 1;
        switch (c) {
            case '"': out.append("\\\""); break;
            case '\\': out.append("\\\\"); break;
            case '\n': out.append("\\n"); break;
            case '\r': out.append("\\r"); break;
            case '\t': out.append("\\t"); break;
            default:
                out.append("\\u00");
                out.push_back(hex[c >> 4]);
                out.push_back(hex[c & 0xF]);
        }
    }
    out.append(value.data() + run, value.size() - run);
    out.push_back('"');
}

void JsonWriter::key(std::string_view k) {
    if (!first_) out_->push_back(',');
    first_ = false;
    out_->push_back('"');
    out_->append(k);
    out_->append("\":");
}

JsonWriter& JsonWriter::field(std::string_view k, std::string_view value) {
    key(k);
    append_string(*out_, value);
    return *this;
}

JsonWriter& JsonWriter::field(std::string_view k, std::int64_t value) {
    key(k);
    char buf[24];
    auto res = std::to_chars(buf, buf + sizeof buf, value);
    out_->append(buf, res.ptr);
    return *this;
}

JsonWriter& JsonWriter::field(std::string_view k, std::uint64_t value) {
    key(k);
    char buf[24];
    auto res = std::to_chars(buf, buf + sizeof buf, value);
    out_->append(buf, res.ptr);
    return *this;
}

JsonWriter& JsonWriter::field(std::string_view k, bool value) {
    key(k);
    out_->append(value ? "true" : "false");
    return *this;
}

JsonWriter& JsonWriter::raw_field(std::string_view k, std::string_view json) {
    key(k);
    out_->append(json);
    return *this;
}

std::string JsonWriter::finish() && {
    close();
    return std::move(own_);
}

}  // namespace parley
