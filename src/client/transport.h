#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <uv.h>

namespace parley::client {

// What a byte stream to the server tells its user. TLS is a transport that
// sits on a TCP one and implements the same two interfaces, so nothing above
// knows which it has.
class TransportHandler {
public:
    virtual ~TransportHandler() = default;
    virtual void on_transport_connected() = 0;
    virtual void on_transport_connect_failed(const std::string& reason) = 0;
    virtual void on_transport_data(std::string_view bytes) = 0;
    // The stream is gone. `reason` is empty when the server closed its side
    // cleanly (FIN) or after our own finish()/reset().
    virtual void on_transport_closed(const std::string& reason) = 0;
};

class Transport {
public:
    // Destroying a transport closes it without calling the handler again.
    virtual ~Transport() = default;

    virtual void connect(const std::string& host, std::uint16_t port, double timeout_s) = 0;
    virtual void send(std::string bytes) = 0;
    // Send what is queued, then a FIN; keep reading until the server closes.
    virtual void finish() = 0;
    // Close at once with a reset (RST): unsent bytes are thrown away.
    virtual void reset() = 0;
    // "127.0.0.1:7070" once connected, else the address being tried.
    virtual std::string peer() const = 0;
};

std::unique_ptr<Transport> make_tcp_transport(uv_loop_t* loop, TransportHandler& handler);

struct ConnectionOptions;
struct TlsSettings;

// TLS over a TCP transport: connected only once the handshake is done (and
// the certificate checked); a failed handshake is a failed connect.
std::unique_ptr<Transport> make_tls_transport(uv_loop_t* loop, TransportHandler& handler,
                                              std::shared_ptr<const TlsSettings> tls);

// Makes the transport for one connection attempt.
using TransportFactory = std::function<std::unique_ptr<Transport>(TransportHandler&)>;

// The one place that picks a transport from the connection options. With
// --tls it loads the CA file first and throws std::runtime_error, naming the
// file, when that fails: a start-up error, not a connection one.
TransportFactory transport_factory(uv_loop_t* loop, const ConnectionOptions& options);

}  // namespace parley::client
