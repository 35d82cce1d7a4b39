#include "resolver.h"

#include <cstring>

#include <netdb.h>

namespace parley::client {
namespace {

struct ResolveRequest {
    uv_getaddrinfo_t req;
    ResolveCallback done;
};

}  // namespace

std::string format_endpoint(const std::string& host, std::uint16_t port) {
    if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
    return host + ":" + std::to_string(port);
}

std::string format_sockaddr(const sockaddr* addr) {
    char ip[INET6_ADDRSTRLEN] = "?";
    std::uint16_t port = 0;
    if (addr->sa_family == AF_INET) {
        const auto* in = reinterpret_cast<const sockaddr_in*>(addr);
        uv_ip4_name(in, ip, sizeof ip);
        port = ntohs(in->sin_port);
    } else if (addr->sa_family == AF_INET6) {
        const auto* in6 = reinterpret_cast<const sockaddr_in6*>(addr);
        uv_ip6_name(in6, ip, sizeof ip);
        port = ntohs(in6->sin6_port);
    }
    return format_endpoint(ip, port);
}

void resolve(uv_loop_t* loop, const std::string& host, std::uint16_t port, int socktype,
             ResolveCallback done) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = socktype;
    hints.ai_flags = AI_NUMERICSERV;
    auto* r = new ResolveRequest{{}, std::move(done)};
    std::string service = std::to_string(port);
    int rc = uv_getaddrinfo(
        loop, &r->req,
        [](uv_getaddrinfo_t* req, int status, addrinfo* res) {
            auto* r = reinterpret_cast<ResolveRequest*>(req);
            std::vector<sockaddr_storage> out;
            for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
                if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6) continue;
                sockaddr_storage ss{};
                std::memcpy(&ss, ai->ai_addr, ai->ai_addrlen);
                out.push_back(ss);
            }
            uv_freeaddrinfo(res);
            std::string error;
            if (status < 0) error = uv_strerror(status);
            else if (out.empty()) error = "no usable address";
            auto done = std::move(r->done);
            delete r;
            done(std::move(out), std::move(error));
        },
        host.c_str(), service.c_str(), &hints);
    if (rc < 0) {
        auto cb = std::move(r->done);
        delete r;
        cb({}, uv_strerror(rc));
    }
}

}  // namespace parley::client
