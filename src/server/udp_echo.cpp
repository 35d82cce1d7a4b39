#include "udp_echo.hpp"

#include <cerrno>
#include <cstring>
#include <memory>

#include "address.hpp"

namespace parley::server {

namespace {
// libuv hands recvmmsg one 64 KiB slot per datagram out of the buffer we give
// it; 32 slots let one call take a whole burst.
constexpr std::size_t kSlot = 64 * 1024;
constexpr std::size_t kSlots = 32;
// Replies that found the socket full wait in libuv's queue up to this much.
constexpr std::size_t kMaxQueuedBytes = 4 * 1024 * 1024;
constexpr int kSocketBuffer = 4 * 1024 * 1024;

struct PendingSend {
    uv_udp_send_t req;
    UdpEcho* owner;
    std::size_t len;
    std::unique_ptr<char[]> data;
};
}  // namespace

UdpEcho::UdpEcho(uv_loop_t* loop, spdlog::logger& log, std::uint64_t& datagram_counter)
    : loop_(loop), log_(log), datagrams_(datagram_counter) {}

std::string UdpEcho::start(const sockaddr* addr) {
    int rc = uv_udp_init_ex(loop_, &udp_, static_cast<unsigned>(addr->sa_family) | UV_UDP_RECVMMSG);
    if (rc != 0) return uv_strerror(rc);
    open_ = true;
    udp_.data = this;
    rc = uv_udp_bind(&udp_, addr, 0);
    if (rc != 0) return uv_strerror(rc);
    int size = kSocketBuffer;
    uv_recv_buffer_size(reinterpret_cast<uv_handle_t*>(&udp_), &size);
    size = kSocketBuffer;
    uv_send_buffer_size(reinterpret_cast<uv_handle_t*>(&udp_), &size);
    rc = uv_fileno(reinterpret_cast<uv_handle_t*>(&udp_), &fd_);
    if (rc != 0) return uv_strerror(rc);
    rc = uv_udp_recv_start(&udp_, on_alloc, on_recv);
    return rc == 0 ? std::string{} : uv_strerror(rc);
}

std::string UdpEcho::bound_address() const {
    sockaddr_storage ss{};
    int len = sizeof ss;
    uv_udp_getsockname(&udp_, reinterpret_cast<sockaddr*>(&ss), &len);
    return format_address(reinterpret_cast<sockaddr*>(&ss));
}

void UdpEcho::close() {
    if (!open_) return;
    open_ = false;
    uv_close(reinterpret_cast<uv_handle_t*>(&udp_), nullptr);
}

void UdpEcho::on_alloc(uv_handle_t*, std::size_t, uv_buf_t* buf) {
    // One buffer for the loop; every datagram is echoed before the next read.
    static char buffer[kSlot * kSlots];
    *buf = uv_buf_init(buffer, sizeof buffer);
}

void UdpEcho::on_recv(uv_udp_t* h, ssize_t nread, const uv_buf_t* buf, const sockaddr* addr, unsigned flags) {
    auto* self = static_cast<UdpEcho*>(h->data);
    // The end of one recvmmsg's datagrams (the buffer itself is static), or
    // nothing more to read: the replies go out before the buffer is reused.
    if ((flags & UV_UDP_MMSG_FREE) || addr == nullptr) {
        self->send_batch();
        if (nread < 0) self->log_.debug("udp receive error: {}", uv_strerror(static_cast<int>(nread)));
        return;
    }
    if (nread < 0) {
        self->log_.debug("udp receive error: {}", uv_strerror(static_cast<int>(nread)));
        return;
    }
    ++self->datagrams_;
    if (flags & UV_UDP_PARTIAL) return;  // cannot happen with 64 KiB slots; never echo a cut datagram
    // Replies already wait in libuv's queue: this one goes behind them.
    if ((flags & UV_UDP_MMSG_CHUNK) && self->queued_bytes_ == 0)
        self->batch(buf->base, static_cast<std::size_t>(nread), addr);
    else
        self->echo(buf->base, static_cast<std::size_t>(nread), addr);
}

void UdpEcho::batch(char* data, std::size_t len, const sockaddr* to) {
    if (batched_ == kBatch) send_batch();
    std::size_t i = batched_++;
    std::memcpy(&peers_[i], to, to->sa_family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in));
    iovs_[i] = {data, len};
    msghdr& m = msgs_[i].msg_hdr;
    m = {};
    m.msg_name = &peers_[i];
    m.msg_namelen = to->sa_family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
    m.msg_iov = &iovs_[i];
    m.msg_iovlen = 1;
}

void UdpEcho::send_batch() {
    std::size_t sent = 0;
    while (sent < batched_) {
        int n = sendmmsg(fd_, msgs_.data() + sent, static_cast<unsigned>(batched_ - sent), MSG_DONTWAIT);
        if (n > 0) {
            sent += static_cast<std::size_t>(n);
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            break;  // the socket is full: the rest go through libuv's queue
        } else if (errno != EINTR) {
            // This datagram's destination was refused; the others still go.
            log_.debug("udp send to {} failed: {}", format_address(reinterpret_cast<sockaddr*>(&peers_[sent])),
                       uv_strerror(-errno));
            ++sent;
        }
    }
    for (; sent < batched_; ++sent) {
        const iovec& v = iovs_[sent];
        echo(static_cast<const char*>(v.iov_base), v.iov_len, reinterpret_cast<const sockaddr*>(&peers_[sent]));
    }
    batched_ = 0;
}

void UdpEcho::echo(const char* data, std::size_t len, const sockaddr* to) {
    uv_buf_t buf = uv_buf_init(const_cast<char*>(data), static_cast<unsigned>(len));
    int rc = uv_udp_try_send(&udp_, &buf, 1, to);
    if (rc >= 0) return;
    if (rc != UV_EAGAIN && rc != UV_ENOSYS) {
        log_.debug("udp send to {} failed: {}", format_address(to), uv_strerror(rc));
        return;
    }
    if (queued_bytes_ + len > kMaxQueuedBytes) {
        if (dropped_++ % 10000 == 0) log_.warn("udp echo queue full; dropping replies ({} so far)", dropped_);
        return;
    }
    auto* p = new PendingSend{{}, this, len, std::make_unique<char[]>(len ? len : 1)};
    std::memcpy(p->data.get(), data, len);
    queued_bytes_ += len;
    uv_buf_t copy = uv_buf_init(p->data.get(), static_cast<unsigned>(len));
    rc = uv_udp_send(&p->req, &udp_, &copy, 1, to, [](uv_udp_send_t* req, int) {
        auto* sent = reinterpret_cast<PendingSend*>(req);
        sent->owner->queued_bytes_ -= sent->len;
        delete sent;
    });
    if (rc != 0) {
        queued_bytes_ -= len;
        delete p;
    }
}

}  // namespace parley::server
