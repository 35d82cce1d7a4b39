#pragma once
// The UDP echo service: every datagram goes back, unchanged, to its sender.
// Reads use recvmmsg through libuv, replies try sendmsg first and queue a copy
// only when the socket is full, with a cap, because UDP may drop anyway.
#include <cstdint>
#include <spdlog/logger.h>
#include <string>
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

    uv_loop_t* loop_;
    spdlog::logger& log_;
    std::uint64_t& datagrams_;
    uv_udp_t udp_{};
    bool open_ = false;
    std::size_t queued_bytes_ = 0;
    std::uint64_t dropped_ = 0;
};

}  // namespace parley::server
