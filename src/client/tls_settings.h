#pragma once

#include <string>

#include <parley/tls_channel.hpp>

namespace parley::client {

struct TlsSettings {
    parley::TlsContext context;
    std::string server_name;  // checked against the certificate and sent as SNI
};

}  // namespace parley::client
