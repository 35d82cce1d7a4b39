#include "subscriptions.hpp"

#include <hiredis/hiredis.h>

namespace parley::cluster {

Subscriptions::Subscriptions(RedisConnection& conn, MessageFn on_message)
    : conn_(conn), on_message_(std::move(on_message)) {}

void Subscriptions::send(const std::string& name, Channel& ch, bool on) {
    if (conn_.subscribe(name, on)) ch.state = on ? State::subscribing : State::unsubscribing;
    // else the connection is gone; connected() subscribes what is wanted.
}

Subscriptions::Want Subscriptions::want(const std::string& name, Waiter waiter) {
    if (!conn_.ready()) return Want::unavailable;
    Channel& ch = channels_[name];
    ch.wanted = true;
    if (ch.state == State::subscribed) return Want::ready;
    if (ch.state == State::none) send(name, ch, true);
    if (ch.state == State::none) {
        channels_.erase(name);
        return Want::unavailable;
    }
    // subscribing: the confirmation is on its way; unsubscribing: its
    // confirmation triggers a new SUBSCRIBE.
    ch.waiters.push_back(std::move(waiter));
    return Want::pending;
}

void Subscriptions::release(const std::string& name) {
    auto it = channels_.find(name);
    if (it == channels_.end()) return;
    Channel& ch = it->second;
    ch.wanted = false;
    if (ch.state == State::subscribed) send(name, ch, false);
    if (ch.state == State::none && ch.waiters.empty()) channels_.erase(it);
    // subscribing: unsubscribed once confirmed.
}

bool Subscriptions::confirmed(const std::string& name) const {
    auto it = channels_.find(name);
    return it != channels_.end() && it->second.state == State::subscribed;
}

void Subscriptions::connected() {
    for (auto it = channels_.begin(); it != channels_.end();) {
        if (!it->second.wanted) {
            it = channels_.erase(it);
            continue;
        }
        it->second.state = State::none;
        send(it->first, it->second, true);
        ++it;
    }
}

void Subscriptions::lost() {
    std::vector<Waiter> failed;
    for (auto it = channels_.begin(); it != channels_.end();) {
        Channel& ch = it->second;
        ch.state = State::none;
        for (auto& w : ch.waiters) failed.push_back(std::move(w));
        ch.waiters.clear();
        if (!ch.wanted) it = channels_.erase(it);
        else ++it;
    }
    // Waiters may start new requests: run them once this object is settled.
    for (auto& w : failed) w(false);
}

void Subscriptions::pushed(const redisReply* reply) {
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements < 3) return;
    const redisReply* kind = reply->element[0];
    const redisReply* name = reply->element[1];
    if (kind->type != REDIS_REPLY_STRING || name->type != REDIS_REPLY_STRING) return;
    std::string_view k(kind->str, kind->len);
    std::string channel(name->str, name->len);
    if (k == "message") {
        const redisReply* payload = reply->element[2];
        if (payload->type == REDIS_REPLY_STRING) on_message_(channel, std::string_view(payload->str, payload->len));
        return;
    }
    auto it = channels_.find(channel);
    if (it == channels_.end()) return;
    Channel& ch = it->second;
    if (k == "subscribe") {
        ch.state = State::subscribed;
        std::vector<Waiter> ready;
        ready.swap(ch.waiters);
        if (!ch.wanted) send(channel, ch, false);
        for (auto& w : ready) w(true);  // may touch channels_: `ch` is not used after
    } else if (k == "unsubscribe") {
        ch.state = State::none;
        if (ch.wanted) send(channel, ch, true);
        else if (ch.waiters.empty()) channels_.erase(it);
    }
}

}  // namespace parley::cluster
