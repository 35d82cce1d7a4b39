#include "redis_connection.hpp"

#include <algorithm>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <unistd.h>

#include <hiredis/adapters/libuv.h>

namespace parley::cluster {

namespace {
constexpr std::uint64_t kFirstRetryMs = 100;
constexpr std::uint64_t kMaxRetryMs = 2000;
constexpr std::uint64_t kConnectTimeoutMs = 2000;

// hiredis 0.14's libuv adapter ignores a poll callback with an error status,
// and libuv reports a refused connect or a reset connection exactly that way
// (and stops the poll): the connection would hang unnoticed. The adapter's
// own state and clean-up are kept; only its readiness callback is replaced
// by one that hands an error to hiredis as readiness, so that hiredis reads
// the socket and meets the error itself (what hiredis 1.0 does).
void poll_ready(uv_poll_t* handle, int status, int events) {
    auto* p = static_cast<redisLibuvEvents*>(handle->data);
    int ready = status != 0 ? p->events : events;
    if (p->context != nullptr && (ready & UV_READABLE)) redisAsyncHandleRead(p->context);
    if (p->context != nullptr && (ready & UV_WRITABLE)) redisAsyncHandleWrite(p->context);
}

void watch(void* privdata, int add, int remove) {
    auto* p = static_cast<redisLibuvEvents*>(privdata);
    int events = (p->events | add) & ~remove;
    // hiredis asks for writability once per command; restarting the poll
    // each time would cost a re-registration with epoll every loop turn.
    if (events == p->events && uv_is_active(reinterpret_cast<uv_handle_t*>(&p->handle))) return;
    p->events = events;
    if (p->events != 0) uv_poll_start(&p->handle, p->events, poll_ready);
    else uv_poll_stop(&p->handle);
}

void add_read(void* privdata) { watch(privdata, UV_READABLE, 0); }
void del_read(void* privdata) { watch(privdata, 0, UV_READABLE); }
void add_write(void* privdata) { watch(privdata, UV_WRITABLE, 0); }
void del_write(void* privdata) { watch(privdata, 0, UV_WRITABLE); }
}  // namespace

RedisConnection::RedisConnection(uv_loop_t* loop, spdlog::logger& log, std::string name, RedisEndpoint endpoint,
                                 Hooks hooks)
    : loop_(loop),
      log_(log),
      name_(std::move(name)),
      endpoint_(std::move(endpoint)),
      hooks_(std::move(hooks)),
      retry_(std::make_unique<Timer>(loop)),
      jitter_(static_cast<unsigned>(getpid()) ^ static_cast<unsigned>(uv_hrtime())) {}

RedisConnection::~RedisConnection() {
    destroying_ = true;
    if (ac_ != nullptr) {
        redisAsyncContext* ac = ac_;
        ac_ = nullptr;
        redisAsyncFree(ac);
    }
}

void RedisConnection::open() {
    closing_ = false;
    if (!retry_) retry_ = std::make_unique<Timer>(loop_);
    if (ac_ == nullptr) attempt();
}

void RedisConnection::attempt() {
    if (closing_ || ac_ != nullptr) return;
    redisAsyncContext* ac = redisAsyncConnect(endpoint_.host.c_str(), endpoint_.port);
    std::string why;
    if (ac == nullptr) {
        why = "out of memory";
    } else if (ac->err != 0) {
        why = ac->errstr;
        redisAsyncFree(ac);
    } else if (redisLibuvAttach(ac, loop_) != REDIS_OK) {
        why = "cannot watch the socket";
        redisAsyncFree(ac);
    }
    if (!why.empty()) {
        gone(why);
        return;
    }
    ac->ev.addRead = add_read;
    ac->ev.delRead = del_read;
    ac->ev.addWrite = add_write;
    ac->ev.delWrite = del_write;
    ac->data = this;
    ac_ = ac;
    // Loopback answers at once; a host that swallows the SYN must not keep
    // this connection pending forever.
    if (!connect_timer_) connect_timer_ = std::make_unique<Timer>(loop_);
    connect_timer_->start(kConnectTimeoutMs, 0, [this] {
        if (ac_ != nullptr && !connected_) drop("connect timed out");
    });
    // Only after the adapter is attached: the connect callback waits for the
    // socket to become writable.
    redisAsyncSetConnectCallback(ac, on_connect);
    redisAsyncSetDisconnectCallback(ac, on_disconnect);
}

void RedisConnection::on_connect(const redisAsyncContext* ac, int status) {
    auto* self = static_cast<RedisConnection*>(ac->data);
    if (status != REDIS_OK) {
        // hiredis frees the context when this returns.
        self->ac_ = nullptr;
        self->gone(ac->errstr);
        return;
    }
    self->connected_ = true;
    if (self->connect_timer_) self->connect_timer_->stop();
    ++self->generation_;
    self->failures_ = 0;
    self->sent_ms_.clear();
    self->log_.info("redis {}: connected to {}:{}", self->name_, self->endpoint_.host, self->endpoint_.port);
    if (self->hooks_.connected) self->hooks_.connected();
}

void RedisConnection::on_disconnect(const redisAsyncContext* ac, int status) {
    auto* self = static_cast<RedisConnection*>(ac->data);
    if (self->destroying_) return;
    self->ac_ = nullptr;
    self->connected_ = false;
    self->sent_ms_.clear();
    std::string why = self->drop_reason_;
    self->drop_reason_.clear();
    if (why.empty()) why = status == REDIS_OK ? std::string("closed") : std::string(ac->errstr);
    if (self->closing_) {
        if (self->hooks_.closed) self->hooks_.closed();
        return;
    }
    self->log_.warn("redis {}: connection lost: {}", self->name_, why);
    if (self->hooks_.lost) self->hooks_.lost(why);
    self->schedule_retry();
}

void RedisConnection::gone(const std::string& why) {
    ++failures_;
    if (failures_ == 1) log_.warn("redis {}: cannot connect to {}:{}: {}", name_, endpoint_.host, endpoint_.port, why);
    else log_.debug("redis {}: attempt {} failed: {}", name_, failures_, why);
    if (hooks_.failed) hooks_.failed(why);
    schedule_retry();
}

void RedisConnection::schedule_retry() {
    if (closing_ || destroying_) return;
    unsigned doublings = std::min(failures_, 6u);
    std::uint64_t delay = std::min(kFirstRetryMs << doublings, kMaxRetryMs);
    // +-20% so that nodes cut off together do not come back in lockstep.
    std::uniform_int_distribution<std::int64_t> spread(-static_cast<std::int64_t>(delay / 5),
                                                       static_cast<std::int64_t>(delay / 5));
    delay = static_cast<std::uint64_t>(static_cast<std::int64_t>(delay) + spread(jitter_));
    if (retry_) retry_->start(delay, 0, [this] { attempt(); });
}

void RedisConnection::close(bool graceful) {
    closing_ = true;
    retry_.reset();
    connect_timer_.reset();
    if (ac_ == nullptr) return;
    redisAsyncContext* ac = ac_;
    bool established = connected_;
    connected_ = false;
    if (graceful && established) {
        redisAsyncDisconnect(ac);  // on_disconnect follows the last reply
    } else {
        ac_ = nullptr;
        redisAsyncFree(ac);
        if (!established && hooks_.closed) hooks_.closed();
    }
}

void RedisConnection::drop(const std::string& why) {
    if (ac_ == nullptr) return;
    redisAsyncContext* ac = ac_;
    bool established = connected_;
    drop_reason_ = why;
    connected_ = false;
    redisAsyncFree(ac);  // an established context reports through on_disconnect
    if (!established) {
        ac_ = nullptr;
        drop_reason_.clear();
        gone(why);
    }
}

bool RedisConnection::command(const std::vector<std::string>& args, Callback cb) {
    if (!connected_ || ac_ == nullptr) return false;
    std::vector<const char*> argv;
    std::vector<std::size_t> lens;
    argv.reserve(args.size());
    lens.reserve(args.size());
    for (const auto& a : args) {
        argv.push_back(a.data());
        lens.push_back(a.size());
    }
    auto* holder = new Callback(std::move(cb));
    if (redisAsyncCommandArgv(ac_, on_reply, holder, static_cast<int>(args.size()), argv.data(), lens.data()) !=
        REDIS_OK) {
        delete holder;
        return false;
    }
    sent_ms_.push_back(static_cast<std::int64_t>(uv_now(loop_)));
    return true;
}

void RedisConnection::on_reply(redisAsyncContext* ac, void* reply, void* privdata) {
    std::unique_ptr<Callback> cb(static_cast<Callback*>(privdata));
    auto* self = static_cast<RedisConnection*>(ac->data);
    if (self->destroying_) return;
    if (reply == nullptr) {
        // The context is going away: no command may be sent on it now.
        self->connected_ = false;
        self->sent_ms_.clear();
    } else if (!self->sent_ms_.empty()) {
        self->sent_ms_.pop_front();
    }
    (*cb)(static_cast<redisReply*>(reply));
}

bool RedisConnection::subscribe(const std::string& channel, bool on) {
    if (!connected_ || ac_ == nullptr) return false;
    const char* argv[2] = {on ? "SUBSCRIBE" : "UNSUBSCRIBE", channel.data()};
    std::size_t lens[2] = {on ? 9u : 11u, channel.size()};
    return redisAsyncCommandArgv(ac_, on_push, this, 2, argv, lens) == REDIS_OK;
}

void RedisConnection::on_push(redisAsyncContext*, void* reply, void* privdata) {
    auto* self = static_cast<RedisConnection*>(privdata);
    if (reply == nullptr || self->destroying_) return;
    if (self->hooks_.pushed) self->hooks_.pushed(static_cast<redisReply*>(reply));
}

std::int64_t RedisConnection::oldest_wait_ms() const {
    if (sent_ms_.empty()) return 0;
    return static_cast<std::int64_t>(uv_now(loop_)) - sent_ms_.front();
}

}  // namespace parley::cluster
