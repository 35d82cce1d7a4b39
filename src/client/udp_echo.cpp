#include "udp_echo.h"

#include <vector>

#include "resolver.h"

namespace parley::client {

struct UdpEcho::Handle {
    uv_udp_t udp;
    UdpEcho* owner;
};

namespace {

struct SendRequest {
    uv_udp_send_t req;
    std::string bytes;
};

}  // namespace

UdpEcho::UdpEcho(uv_loop_t* loop) : loop_(loop), timer_(loop) {}

UdpEcho::~UdpEcho() { close(); }

void UdpEcho::close() {
    timer_.stop();
    pending_ = nullptr;
    if (handle_ == nullptr) return;
    handle_->owner = nullptr;
    uv_close(reinterpret_cast<uv_handle_t*>(&handle_->udp),
             [](uv_handle_t* h) { delete static_cast<Handle*>(h->data); });
    handle_ = nullptr;
}

void UdpEcho::open(const std::string& host, std::uint16_t port, OpenFn done) {
    std::weak_ptr<bool> alive = alive_;
    peer_ = format_endpoint(host, port);
    resolve(loop_, host, port, SOCK_DGRAM,
            [this, alive, done](std::vector<sockaddr_storage> addrs, std::string error) {
                if (alive.expired()) return;
                if (addrs.empty()) return done(error);
                const auto* addr = reinterpret_cast<const sockaddr*>(&addrs.front());
                peer_ = format_sockaddr(addr);
                handle_ = new Handle{{}, this};
                uv_udp_init_ex(loop_, &handle_->udp, addr->sa_family);
                handle_->udp.data = handle_;
                int rc = uv_udp_connect(&handle_->udp, addr);
                if (rc == 0)
                    rc = uv_udp_recv_start(
                        &handle_->udp,
                        [](uv_handle_t*, size_t, uv_buf_t* buf) {
                            static char storage[65536];
                            *buf = uv_buf_init(storage, sizeof storage);
                        },
                        [](uv_udp_t* u, ssize_t n, const uv_buf_t* buf, const sockaddr*, unsigned) {
                            auto* h = static_cast<Handle*>(u->data);
                            if (h->owner == nullptr) return;
                            if (n < 0) return h->owner->failed(uv_strerror(static_cast<int>(n)));
                            // n == 0 with no address means "nothing more to read".
                            h->owner->received(std::string_view(buf->base, static_cast<std::size_t>(n)));
                        });
                done(rc == 0 ? std::string() : std::string(uv_strerror(rc)));
            });
}

void UdpEcho::probe(const std::string& payload, double wait_s, ProbeFn done) {
    if (handle_ == nullptr) return done(std::nullopt, "UDP socket is not open");
    payload_ = payload;
    pending_ = std::move(done);
    sent_at_ns_ = uv_hrtime();
    auto* s = new SendRequest{{}, payload};
    uv_buf_t buf = uv_buf_init(s->bytes.data(), static_cast<unsigned>(s->bytes.size()));
    int rc = uv_udp_send(&s->req, &handle_->udp, &buf, 1, nullptr, [](uv_udp_send_t* req, int) {
        delete reinterpret_cast<SendRequest*>(req);
    });
    if (rc != 0) {
        delete s;
        return finish(std::nullopt, uv_strerror(rc));
    }
    timer_.start(static_cast<std::uint64_t>(wait_s * 1000), [this] { finish(std::nullopt, ""); });
}

void UdpEcho::received(std::string_view data) {
    // A late reply to an earlier probe that timed out is not this one's.
    if (!pending_ || data != payload_) return;
    double rtt_ms = static_cast<double>(uv_hrtime() - sent_at_ns_) / 1e6;
    finish(rtt_ms, "");
}

void UdpEcho::failed(const std::string& error) {
    if (pending_) finish(std::nullopt, error);
}

void UdpEcho::finish(std::optional<double> rtt, const std::string& error) {
    timer_.stop();
    auto done = std::move(pending_);
    pending_ = nullptr;
    if (done) done(rtt, error);
}

}  // namespace parley::client
