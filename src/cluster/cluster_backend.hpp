#pragma once
// Cluster mode: the chat state of several parleyd nodes lives in Redis, so
// the nodes act as one server (see docs/CLUSTER.md).
#include <cstdint>
#include <memory>
#include <spdlog/logger.h>
#include <string>
#include <uv.h>

#include "parley/chat_backend.hpp"
#include "parley/clock.hpp"
#include "parley/room_registry.hpp"

namespace parley::cluster {

struct ClusterOptions {
    std::string redis_host = "127.0.0.1";
    std::uint16_t redis_port = 6379;
    std::string node_id;     // unique per node; parleyd makes one up when not given
    RegistryLimits limits;   // --max-rooms-per-client, --history
};

// Parses "redis://HOST:PORT" (PORT defaults to 6379); returns the reason on
// failure, else an empty string.
std::string parse_redis_url(const std::string& url, ClusterOptions& out);
// Letters, digits, '-', '_' and '.', at most 64; returns the reason if not.
std::string check_node_id(const std::string& id);

class ClusterBackend : public ChatBackend {
public:
    // Connects to Redis on `loop` (hiredis's libuv adapter). Returns the
    // reason when the first connection cannot be made, else an empty string.
    virtual std::string start() = 0;
    // Leaves Redis cleanly on shutdown (this node's members, nicks, keys).
    virtual void stop() = 0;
};

std::unique_ptr<ClusterBackend> make_cluster_backend(uv_loop_t* loop, spdlog::logger& log, const Clock& clock,
                                                     ClusterOptions options);

}  // namespace parley::cluster
