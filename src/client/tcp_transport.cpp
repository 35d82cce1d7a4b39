#include <cstring>
#include <vector>

#include "client_options.h"
#include "resolver.h"
#include "transport.h"
#include "uv_timer.h"

namespace parley::client {
namespace {

class TcpTransport;

// The uv handle and its back pointer live apart from the transport: libuv may
// still call back after the transport is gone, until the close callback runs.
struct TcpHandle {
    uv_tcp_t tcp;
    TcpTransport* owner = nullptr;
};

struct WriteRequest {
    uv_write_t req;
    std::string bytes;
};

struct ConnectRequest {
    uv_connect_t req;
    TcpHandle* handle;
};

struct ShutdownRequest {
    uv_shutdown_t req;
    TcpHandle* handle;
};

void close_handle(TcpHandle* h) {
    h->owner = nullptr;
    auto* handle = reinterpret_cast<uv_handle_t*>(&h->tcp);
    if (!uv_is_closing(handle))
        uv_close(handle, [](uv_handle_t* raw) { delete static_cast<TcpHandle*>(raw->data); });
}

class TcpTransport final : public Transport {
public:
    TcpTransport(uv_loop_t* loop, TransportHandler& handler)
        : loop_(loop), handler_(handler), timer_(loop) {}

    ~TcpTransport() override {
        if (handle_ != nullptr) close_handle(handle_);
    }

    void connect(const std::string& host, std::uint16_t port, double timeout_s) override {
        peer_ = format_endpoint(host, port);
        timer_.start(static_cast<std::uint64_t>(timeout_s * 1000), [this] {
            fail_connect("timed out");
        });
        alive_ = std::make_shared<bool>(true);
        std::weak_ptr<bool> alive = alive_;
        resolve(loop_, host, port, SOCK_STREAM,
                [this, alive](std::vector<sockaddr_storage> addrs, std::string error) {
                    if (alive.expired() || state_ != State::Connecting) return;
                    if (addrs.empty()) return fail_connect(error);
                    addresses_ = std::move(addrs);
                    try_next();
                });
    }

    void send(std::string bytes) override {
        if (state_ != State::Open || bytes.empty()) return;
        auto* w = new WriteRequest{{}, std::move(bytes)};
        uv_buf_t buf = uv_buf_init(w->bytes.data(), static_cast<unsigned>(w->bytes.size()));
        w->req.data = handle_;
        int rc = uv_write(&w->req, stream(), &buf, 1, [](uv_write_t* req, int status) {
            auto* w = reinterpret_cast<WriteRequest*>(req);
            auto* h = static_cast<TcpHandle*>(req->data);
            delete w;
            if (status < 0 && status != UV_ECANCELED && h->owner != nullptr)
                h->owner->lost(uv_strerror(status));
        });
        if (rc < 0) {
            delete w;
            lost(uv_strerror(rc));
        }
    }

    void finish() override {
        if (state_ != State::Open) return;
        state_ = State::Finishing;
        auto* s = new ShutdownRequest{{}, handle_};
        int rc = uv_shutdown(&s->req, stream(), [](uv_shutdown_t* req, int) {
            delete reinterpret_cast<ShutdownRequest*>(req);
        });
        if (rc < 0) {
            delete s;
            lost("");
        }
    }

    void reset() override {
        if (handle_ == nullptr) return;
        State was = state_;
        state_ = State::Closed;
        TcpHandle* h = handle_;
        handle_ = nullptr;
        h->owner = nullptr;
        auto on_close = [](uv_handle_t* raw) { delete static_cast<TcpHandle*>(raw->data); };
        // A reset needs an established stream that is not shutting down;
        // otherwise the plain close is the most abrupt ending left.
        if (was != State::Open || uv_tcp_close_reset(&h->tcp, on_close) != 0)
            uv_close(reinterpret_cast<uv_handle_t*>(&h->tcp), on_close);
        handler_.on_transport_closed("");
    }

    std::string peer() const override { return peer_; }

    void lost(const std::string& reason) {
        if (state_ == State::Closed) return;
        state_ = State::Closed;
        if (handle_ != nullptr) close_handle(handle_);
        handle_ = nullptr;
        handler_.on_transport_closed(reason);
    }

private:
    enum class State { Connecting, Open, Finishing, Closed };

    uv_stream_t* stream() { return reinterpret_cast<uv_stream_t*>(&handle_->tcp); }

    void try_next() {
        if (next_address_ >= addresses_.size()) return fail_connect(last_error_);
        const auto* addr = reinterpret_cast<const sockaddr*>(&addresses_[next_address_++]);
        peer_ = format_sockaddr(addr);
        handle_ = new TcpHandle;
        handle_->owner = this;
        handle_->tcp.data = handle_;
        uv_tcp_init(loop_, &handle_->tcp);
        uv_tcp_nodelay(&handle_->tcp, 1);
        auto* c = new ConnectRequest{{}, handle_};
        int rc = uv_tcp_connect(&c->req, &handle_->tcp, addr, [](uv_connect_t* req, int status) {
            auto* c = reinterpret_cast<ConnectRequest*>(req);
            TcpHandle* h = c->handle;
            delete c;
            if (h->owner != nullptr) h->owner->connected(status);
        });
        if (rc < 0) {
            delete c;
            connected(rc);
        }
    }

    void connected(int status) {
        if (state_ != State::Connecting) return;
        if (status < 0) {
            last_error_ = uv_strerror(status);
            close_handle(handle_);
            handle_ = nullptr;
            return try_next();
        }
        timer_.stop();
        state_ = State::Open;
        uv_read_start(
            stream(),
            [](uv_handle_t*, size_t, uv_buf_t* buf) {
                // One read buffer for the whole loop: callbacks never overlap.
                static char storage[64 * 1024];
                *buf = uv_buf_init(storage, sizeof storage);
            },
            [](uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
                auto* h = static_cast<TcpHandle*>(s->data);
                if (h->owner == nullptr) return;
                if (nread > 0) {
                    h->owner->handler_.on_transport_data(
                        std::string_view(buf->base, static_cast<std::size_t>(nread)));
                } else if (nread == UV_EOF) {
                    h->owner->lost("");
                } else if (nread < 0) {
                    h->owner->lost(uv_strerror(static_cast<int>(nread)));
                }
            });
        handler_.on_transport_connected();
    }

    void fail_connect(const std::string& reason) {
        if (state_ != State::Connecting) return;
        state_ = State::Closed;
        timer_.stop();
        if (handle_ != nullptr) close_handle(handle_);
        handle_ = nullptr;
        handler_.on_transport_connect_failed(reason.empty() ? "no address to try" : reason);
    }

    uv_loop_t* loop_;
    TransportHandler& handler_;
    Timer timer_;
    State state_ = State::Connecting;
    TcpHandle* handle_ = nullptr;
    std::vector<sockaddr_storage> addresses_;
    std::size_t next_address_ = 0;
    std::string last_error_;
    std::string peer_;
    std::shared_ptr<bool> alive_;
};

}  // namespace

std::unique_ptr<Transport> make_tcp_transport(uv_loop_t* loop, TransportHandler& handler) {
    return std::make_unique<TcpTransport>(loop, handler);
}

}  // namespace parley::client
