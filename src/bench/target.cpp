#include "target.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include <charconv>
#include <cstring>

namespace parley::bench {

bool Target::ipv4_loopback() const {
  if (addr.ss_family != AF_INET) return false;
  const auto* in = reinterpret_cast<const sockaddr_in*>(&addr);
  return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
}

const char* target_kind_name(TargetKind kind) {
  switch (kind) {
    case TargetKind::Parley:
      return "parley";
    case TargetKind::Redis:
      return "redis";
    case TargetKind::Line:
      return "line";
  }
  return "?";
}

bool parse_target(std::string_view url, Target& out, std::string& error) {
  out = Target{};
  out.url = std::string(url);
  const size_t sep = url.find("://");
  if (sep == std::string_view::npos) {
    error = "target must look like parley://HOST:PORT, redis://HOST:PORT or line://HOST:PORT";
    return false;
  }
  const std::string_view scheme = url.substr(0, sep);
  if (scheme == "parley") {
    out.kind = TargetKind::Parley;
  } else if (scheme == "redis") {
    out.kind = TargetKind::Redis;
  } else if (scheme == "line") {
    out.kind = TargetKind::Line;
  } else {
    error = "unknown target scheme '" + std::string(scheme) + "' (parley, redis or line)";
    return false;
  }
  std::string_view rest = url.substr(sep + 3);
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  std::string_view host;
  std::string_view port_text;
  if (!rest.empty() && rest.front() == '[') {
    const size_t close = rest.find(']');
    if (close == std::string_view::npos || close + 1 >= rest.size() || rest[close + 1] != ':') {
      error = "bad IPv6 target, expected [ADDR]:PORT";
      return false;
    }
    host = rest.substr(1, close - 1);
    port_text = rest.substr(close + 2);
  } else {
    const size_t colon = rest.rfind(':');
    if (colon == std::string_view::npos) {
      error = "target needs a port: " + std::string(url);
      return false;
    }
    host = rest.substr(0, colon);
    port_text = rest.substr(colon + 1);
  }
  unsigned port = 0;
  auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || ptr != port_text.data() + port_text.size() || port == 0 || port > 65535) {
    error = "bad port in target: " + std::string(url);
    return false;
  }
  out.host = std::string(host);
  out.port = static_cast<uint16_t>(port);

  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  const std::string port_str = std::to_string(port);
  const int rc = getaddrinfo(out.host.c_str(), port_str.c_str(), &hints, &res);
  if (rc != 0 || res == nullptr) {
    error = "cannot resolve " + out.host + ": " + gai_strerror(rc);
    return false;
  }
  std::memcpy(&out.addr, res->ai_addr, res->ai_addrlen);
  out.addr_len = res->ai_addrlen;
  freeaddrinfo(res);
  return true;
}

}  // namespace parley::bench
