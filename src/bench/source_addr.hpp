#pragma once
// Source addresses spread over 127.0.0.0/8. Each local address has its own
// ~28k ephemeral ports towards the server, so a bench that binds client i to
// address i/1000 can open far more than 64k connections to one server port.
#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstdint>

namespace parley::bench {

inline constexpr uint32_t kClientsPerSourceAddress = 1000;
// chat and echo spread only when they need to; connect always does.
inline constexpr uint32_t kSpreadAbove = 20000;

inline sockaddr_in source_address_for(uint64_t client_index) {
  const uint64_t k = client_index / kClientsPerSourceAddress;
  // 127.1.X.Y with Y in 1..250: never a .0 or .255 last octet.
  const uint32_t host = (127u << 24) | (1u << 16) | (static_cast<uint32_t>(k / 250 % 256) << 8) |
                        static_cast<uint32_t>(1 + k % 250);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = 0;
  sa.sin_addr.s_addr = htonl(host);
  return sa;
}

}  // namespace parley::bench
