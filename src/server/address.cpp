#include "address.hpp"

#include <cstring>
#include <netdb.h>
#include <uv.h>

namespace parley::server {

std::string format_address(const sockaddr* addr) {
    char ip[INET6_ADDRSTRLEN] = "?";
    if (addr->sa_family == AF_INET6) {
        const auto* a6 = reinterpret_cast<const sockaddr_in6*>(addr);
        uv_ip6_name(a6, ip, sizeof ip);
        return "[" + std::string(ip) + "]:" + std::to_string(ntohs(a6->sin6_port));
    }
    const auto* a4 = reinterpret_cast<const sockaddr_in*>(addr);
    uv_ip4_name(a4, ip, sizeof ip);
    return std::string(ip) + ":" + std::to_string(ntohs(a4->sin_port));
}

std::string resolve(const std::string& host, std::uint16_t port, sockaddr_storage& out) {
    std::memset(&out, 0, sizeof out);
    if (uv_ip4_addr(host.c_str(), port, reinterpret_cast<sockaddr_in*>(&out)) == 0) return {};
    if (uv_ip6_addr(host.c_str(), port, reinterpret_cast<sockaddr_in6*>(&out)) == 0) return {};
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    int rc = getaddrinfo(host.c_str(), nullptr, &hints, &found);
    if (rc != 0 || found == nullptr) return gai_strerror(rc);
    std::memcpy(&out, found->ai_addr, found->ai_addrlen);
    freeaddrinfo(found);
    if (out.ss_family == AF_INET6) reinterpret_cast<sockaddr_in6*>(&out)->sin6_port = htons(port);
    else reinterpret_cast<sockaddr_in*>(&out)->sin_port = htons(port);
    return {};
}

}  // namespace parley::server
