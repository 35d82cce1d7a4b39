#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <sys/socket.h>
#include <uv.h>

namespace parley::client {

// "127.0.0.1:7070", "[::1]:7070": how addresses appear in our messages, the
// same way the server prints them.
std::string format_endpoint(const std::string& host, std::uint16_t port);
std::string format_sockaddr(const sockaddr* addr);

// Resolves a host name or literal address to the addresses to try, in the
// resolver's order. `socktype` is SOCK_STREAM or SOCK_DGRAM. On failure the
// list is empty and `error` says why in words.
using ResolveCallback =
    std::function<void(std::vector<sockaddr_storage> addresses, std::string error)>;
void resolve(uv_loop_t* loop, const std::string& host, std::uint16_t port, int socktype,
             ResolveCallback done);

}  // namespace parley::client
