#include "cluster_backend.hpp"

#include <charconv>

#include "node_backend.hpp"

namespace parley::cluster {

std::string parse_redis_url(const std::string& url, ClusterOptions& out) {
    constexpr std::string_view scheme = "redis://";
    std::string_view rest = url;
    if (!rest.starts_with(scheme)) return "expected redis://HOST:PORT, got " + url;
    rest.remove_prefix(scheme.size());
    if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
    std::string_view host = rest, port;
    if (rest.starts_with('[')) {  // [::1]:6379
        auto close = rest.find(']');
        if (close == std::string_view::npos) return "unclosed [ in " + url;
        host = rest.substr(1, close - 1);
        if (close + 1 < rest.size()) {
            if (rest[close + 1] != ':') return "expected :PORT after ] in " + url;
            port = rest.substr(close + 2);
        }
    } else if (auto colon = rest.rfind(':'); colon != std::string_view::npos) {
        host = rest.substr(0, colon);
        port = rest.substr(colon + 1);
    }
    if (host.empty()) return "no host in " + url;
    out.redis_host = std::string(host);
    if (!port.empty()) {
        unsigned value = 0;
        auto res = std::from_chars(port.data(), port.data() + port.size(), value);
        if (res.ec != std::errc{} || res.ptr != port.data() + port.size() || value == 0 || value > 65535)
            return "bad port in " + url;
        out.redis_port = static_cast<std::uint16_t>(value);
    }
    return {};
}

std::string check_node_id(const std::string& id) {
    if (id.empty() || id.size() > 64) return "a node id is 1 to 64 characters";
    for (unsigned char c : id) {
        // The id ends up in member ids ("node/n") and in key names.
        bool fine = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '_' || c == '.';
        if (!fine) return "a node id may only hold letters, digits, '-', '_' and '.'";
    }
    return {};
}

std::unique_ptr<ClusterBackend> make_cluster_backend(uv_loop_t* loop, spdlog::logger& log, const Clock& clock,
                                                     ClusterOptions options) {
    return std::make_unique<NodeBackend>(loop, log, clock, std::move(options));
}

}  // namespace parley::cluster
