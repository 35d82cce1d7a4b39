#include "wire_format.hpp"

#include <nlohmann/json.hpp>

namespace parley::cluster {

namespace {

using json = nlohmann::json;

std::string str(const json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::uint64_t u64(const json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_number()) return 0;
    // cjson writes every number as a double (%.14g).
    if (it->is_number_float()) return static_cast<std::uint64_t>(it->get<double>());
    return it->get<std::uint64_t>();
}

std::optional<StoredMessage> entry_of(const json& j) {
    if (!j.is_object()) return std::nullopt;
    StoredMessage m;
    m.from = str(j, "from");
    m.text = str(j, "text");
    m.seq = u64(j, "seq");
    m.ts = static_cast<std::int64_t>(u64(j, "ts"));
    if (m.seq == 0) return std::nullopt;
    return m;
}

LeaveReason reason_of(const std::string& why) {
    if (why == "leave") return LeaveReason::leave;
    if (why == "quit") return LeaveReason::quit;
    return LeaveReason::disconnect;
}

}  // namespace

std::optional<WireEvent> decode_event(std::string_view payload) {
    json j = json::parse(payload, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return std::nullopt;
    std::string t = str(j, "t");
    WireEvent ev;
    ev.member = str(j, "s");
    ev.op = u64(j, "o");
    if (t == "t") {
        ev.kind = WireEvent::Kind::tick;
    } else if (t == "j" || t == "l") {
        ev.kind = t == "j" ? WireEvent::Kind::joined : WireEvent::Kind::left;
        ev.room = str(j, "r");
        ev.nick = str(j, "n");
        ev.reason = reason_of(str(j, "why"));
    } else if (t == "m") {
        ev.kind = WireEvent::Kind::message;
        ev.room = str(j, "r");
        auto e = j.find("e");
        if (e == j.end()) return std::nullopt;
        auto m = entry_of(*e);
        if (!m) return std::nullopt;
        ev.message = std::move(*m);
    } else if (t == "p") {
        ev.kind = WireEvent::Kind::private_message;
        ev.to_member = str(j, "to");
        ev.to_nick = str(j, "tn");
        ev.message.from = str(j, "from");
        ev.message.text = str(j, "text");
        ev.message.ts = static_cast<std::int64_t>(u64(j, "ts"));
    } else if (t == "n") {
        ev.kind = WireEvent::Kind::nick;
        ev.old_nick = str(j, "old");
        ev.nick = str(j, "nick");
        // cjson encodes an empty Lua table as {}: no rooms either way.
        if (auto r = j.find("rooms"); r != j.end() && r->is_array())
            for (const auto& room : *r)
                if (room.is_string()) ev.rooms.push_back(room.get<std::string>());
    } else {
        return std::nullopt;
    }
    return ev;
}

std::optional<StoredMessage> decode_entry(std::string_view entry) {
    json j = json::parse(entry, nullptr, false);
    if (j.is_discarded()) return std::nullopt;
    return entry_of(j);
}

}  // namespace parley::cluster
