#pragma once
// Where the load goes: parley://HOST:PORT (default), redis://HOST:PORT, and
// line://HOST:PORT for the bare line-echo baseline. For the udp scenario the
// scheme only names the server; the address is that of its UDP socket.
#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace parley::bench {

enum class TargetKind { Parley, Redis, Line };

struct Target {
  TargetKind kind = TargetKind::Parley;
  std::string url;
  std::string host;
  uint16_t port = 0;
  sockaddr_storage addr{};
  socklen_t addr_len = 0;

  int family() const { return addr.ss_family; }
  // True for 127.0.0.0/8: then clients can spread their source addresses over
  // the whole block, each giving another ~28k ephemeral ports.
  bool ipv4_loopback() const;
};

bool parse_target(std::string_view url, Target& out, std::string& error);
const char* target_kind_name(TargetKind kind);

}  // namespace parley::bench
