#pragma once
// The UDP echo service: every datagram goes back, unchanged, to its sender.
// Reads use recvmmsg through libuv; the replies to one read go back in one
// sendmmsg (libuv 1.44 has no batched send, so that call is made on the
// handle's socket directly). What the socket cannot take is copied into
// libuv's send queue, with a cap, because UDP may drop anyway.
#include <array>
#include <cstdint>
#include <spdlog/logger.h>
#include <string>
#include <sys/socket.h>
#include <uv.h>

namespace parley::server {

class UdpEcho {
public:
    UdpEcho(uv_loop_t* loop, spdlog::logger& log, std::uint64_t& datagram_counter);
    UdpEcho(const UdpEcho&) = delete;
    UdpEcho& operator=(const UdpEcho&) = delete;

    // Binds and starts; returns the reason on failure.
    std::string start(const sockaddr* addr);
    std::string bound_address() const;
    void close();

private:
    static void on_alloc(uv_handle_t* h, std::size_t suggested, uv_buf_t* buf);
    static void on_recv(uv_udp_t* h, ssize_t nread, const uv_buf_t* buf, const sockaddr* addr, unsigned flags);
    void echo(const char* data, std::size_t len, const sockaddr* to);
    // A reply to a datagram of the current read; its bytes stay in the read
    // buffer until send_batch(), which runs before the next read.
    void batch(char* data, std::size_t len, const sockaddr* to);
    void send_batch();

    // Replies gathered for one sendmmsg; libuv's recvmmsg takes fewer than
    // this at once (20 in 1.44), and a batch that fills up is sent early.
    static constexpr std::size_t kBatch = 32;

    uv_loop_t* loop_;
    spdlog::logger& log_;
    std::uint64_t& datagrams_;
    uv_udp_t udp_{};
    uv_os_fd_t fd_ = -1;
    bool open_ = false;
    std::size_t batched_ = 0;
    std::array<mmsghdr, kBatch> msgs_{};
    std::array<iovec, kBatch> iovs_{};
    std::array<sockaddr_storage, kBatch> peers_{};
    std::size_t queued_bytes_ = 0;
    std::uint64_t dropped_ = 0;
};

}  // namespace parley::server
