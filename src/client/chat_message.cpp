#include "chat_message.h"

namespace parley::client {

std::optional<ChatMessage> ChatMessage::from_json(const nlohmann::json& j) {
    if (!j.is_object()) return std::nullopt;
    auto str = [&](const char* key) -> const std::string* {
        auto it = j.find(key);
        if (it == j.end() || !it->is_string()) return nullptr;
        return it->get_ptr<const std::string*>();
    };
    auto num = [&](const char* key) -> std::optional<std::int64_t> {
        auto it = j.find(key);
        if (it == j.end() || !it->is_number_integer()) return std::nullopt;
        return it->get<std::int64_t>();
    };
    const std::string* room = str("room");
    const std::string* from = str("from");
    const std::string* text = str("text");
    auto seq = num("seq");
    auto ts = num("ts");
    if (!room || !from || !text || !seq || !ts) return std::nullopt;
    return ChatMessage{*room, *from, *text, *seq, *ts};
}

nlohmann::json ChatMessage::to_json() const {
    return nlohmann::json{{"type", "message"}, {"room", room}, {"from", from},
                          {"text", text},      {"seq", seq},   {"ts", ts}};
}

}  // namespace parley::client
