#include "local_index.hpp"

#include <algorithm>
#include <charconv>

namespace parley::cluster {

bool LocalClient::in_room(std::string_view room) const {
    return std::find(rooms.begin(), rooms.end(), room) != rooms.end();
}

LocalClient& LocalIndex::add(Client& client) {
    auto c = std::make_unique<LocalClient>();
    c->id = next_id_++;
    c->client = &client;
    c->member = prefix_ + std::to_string(c->id);
    LocalClient& ref = *c;
    by_client_[&client] = ref.id;
    clients_.emplace(ref.id, std::move(c));
    return ref;
}

void LocalIndex::remove(std::uint64_t id) {
    auto it = clients_.find(id);
    if (it == clients_.end()) return;
    LocalClient& c = *it->second;
    for (const auto& room : std::vector<std::string>(c.rooms)) leave(c, room);
    by_client_.erase(c.client);
    clients_.erase(it);
}

LocalClient* LocalIndex::find(std::uint64_t id) {
    auto it = clients_.find(id);
    return it == clients_.end() ? nullptr : it->second.get();
}

LocalClient* LocalIndex::find(const Client& client) {
    auto it = by_client_.find(&client);
    return it == by_client_.end() ? nullptr : find(it->second);
}

LocalClient* LocalIndex::find_member(std::string_view member) {
    if (!member.starts_with(prefix_)) return nullptr;
    std::string_view n = member.substr(prefix_.size());
    std::uint64_t id = 0;
    auto res = std::from_chars(n.data(), n.data() + n.size(), id);
    if (res.ec != std::errc{} || res.ptr != n.data() + n.size()) return nullptr;
    return find(id);
}

void LocalIndex::join(LocalClient& c, const std::string& room) {
    auto it = std::find(c.rooms.begin(), c.rooms.end(), room);
    if (it != c.rooms.end()) {
        c.rooms.erase(it);
        c.rooms.push_back(room);
        return;
    }
    c.rooms.push_back(room);
    rooms_[room].members.push_back(c.id);
}

void LocalIndex::leave(LocalClient& c, const std::string& room) {
    auto it = std::find(c.rooms.begin(), c.rooms.end(), room);
    if (it == c.rooms.end()) return;
    c.rooms.erase(it);
    auto r = rooms_.find(room);
    if (r == rooms_.end()) return;
    std::erase(r->second.members, c.id);
    maybe_unneeded(room);
}

std::vector<std::uint64_t> LocalIndex::members_of(const std::string& room) const {
    auto it = rooms_.find(room);
    return it == rooms_.end() ? std::vector<std::uint64_t>{} : it->second.members;
}

bool LocalIndex::needed(const std::string& room) const {
    auto it = rooms_.find(room);
    return it != rooms_.end() && (!it->second.members.empty() || it->second.pins > 0);
}

void LocalIndex::pin(const std::string& room) { ++rooms_[room].pins; }

void LocalIndex::unpin(const std::string& room) {
    auto it = rooms_.find(room);
    if (it == rooms_.end()) return;
    --it->second.pins;
    maybe_unneeded(room);
}

void LocalIndex::maybe_unneeded(const std::string& room) {
    auto it = rooms_.find(room);
    if (it == rooms_.end() || !it->second.members.empty() || it->second.pins > 0) return;
    rooms_.erase(it);
    unneeded_.push_back(room);
}

std::vector<std::string> LocalIndex::take_unneeded() {
    std::vector<std::string> out;
    out.swap(unneeded_);
    // A room may have been needed again since it was listed.
    std::erase_if(out, [this](const std::string& room) { return needed(room); });
    return out;
}

std::vector<std::uint64_t> LocalIndex::ids() const {
    std::vector<std::uint64_t> out;
    out.reserve(clients_.size());
    for (const auto& [id, c] : clients_) out.push_back(id);
    return out;
}

std::size_t LocalIndex::room_count() const {
    std::size_t n = 0;
    for (const auto& [name, r] : rooms_) n += r.members.empty() ? 0 : 1;
    return n;
}

}  // namespace parley::cluster
