#include "client_options.h"
#include "tls_settings.h"
#include "transport.h"

namespace parley::client {

TransportFactory transport_factory(uv_loop_t* loop, const ConnectionOptions& options) {
    if (!options.tls) return [loop](TransportHandler& h) { return make_tcp_transport(loop, h); };
    // One context for every reconnect: the CA file is read once.
    auto tls = std::make_shared<const TlsSettings>(TlsSettings{
        parley::TlsContext::client(options.ca_file, !options.insecure), options.host});
    return [loop, tls](TransportHandler& h) { return make_tls_transport(loop, h, tls); };
}

}  // namespace parley::client
