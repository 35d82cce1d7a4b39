#pragma once
// Socket addresses as parleyd prints and resolves them.
#include <string>
#include <sys/socket.h>

namespace parley::server {

// "127.0.0.1:7070" or "[::1]:7070".
std::string format_address(const sockaddr* addr);

// Resolves a literal address or a host name (the first result wins) at
// start-up. Returns an empty string on success, else the reason.
std::string resolve(const std::string& host, std::uint16_t port, sockaddr_storage& out);

}  // namespace parley::server
