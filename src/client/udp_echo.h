#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <uv.h>

#include "uv_timer.h"

namespace parley::client {

// Sends datagrams to the server's UDP echo port one at a time and times the
// replies. The socket is connected, so an ICMP "port unreachable" (no UDP
// listener there) comes back as an error instead of a silent timeout.
class UdpEcho {
public:
    using OpenFn = std::function<void(const std::string& error)>;
    // `rtt_ms` is empty when no reply came within the wait, or on error.
    using ProbeFn = std::function<void(std::optional<double> rtt_ms, const std::string& error)>;

    explicit UdpEcho(uv_loop_t* loop);
    ~UdpEcho();
    UdpEcho(const UdpEcho&) = delete;
    UdpEcho& operator=(const UdpEcho&) = delete;

    void open(const std::string& host, std::uint16_t port, OpenFn done);
    // One probe at a time: a reply must carry exactly `payload` to count.
    void probe(const std::string& payload, double wait_s, ProbeFn done);
    std::string peer() const { return peer_; }
    // Stops listening; pending probes are dropped without a callback.
    void close();

private:
    struct Handle;
    void received(std::string_view data);
    void failed(const std::string& error);
    void finish(std::optional<double> rtt, const std::string& error);

    uv_loop_t* loop_;
    Handle* handle_ = nullptr;
    Timer timer_;
    std::string peer_;
    std::string payload_;
    std::uint64_t sent_at_ns_ = 0;
    ProbeFn pending_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace parley::client
