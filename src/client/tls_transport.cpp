#include <memory>
#include <string>

#include "tls_settings.h"
#include "transport.h"
#include "uv_timer.h"

namespace parley::client {
namespace {

// TLS as a layer over the TCP transport: it is the TCP transport's handler,
// and to its own handler it looks like any other transport. The handshake
// runs between the TCP connect and the "connected" it reports, so a bad
// certificate is a failed connect with OpenSSL's reason, never a session that
// opens and then dies.
class TlsTransport final : public Transport, private TransportHandler {
public:
    TlsTransport(uv_loop_t* loop, TransportHandler& handler, std::shared_ptr<const TlsSettings> tls)
        : handler_(handler),
          settings_(std::move(tls)),
          handshake_timer_(loop),
          tcp_(make_tcp_transport(loop, *this)) {}

    void connect(const std::string& host, std::uint16_t port, double timeout_s) override {
        timeout_ms_ = static_cast<std::uint64_t>(timeout_s * 1000);
        tcp_->connect(host, port, timeout_s);
    }

    void send(std::string bytes) override {
        if (state_ != State::Open) return;
        if (!channel_->send(bytes)) return lost(channel_->error());
        flush();
    }

    void finish() override {
        if (state_ != State::Open) return;
        state_ = State::Finishing;
        channel_->close();  // close_notify first, so the server sees a clean TLS ending
        flush();
        tcp_->finish();
    }

    void reset() override { tcp_->reset(); }

    std::string peer() const override { return tcp_->peer(); }

private:
    enum class State { Connecting, Handshaking, Open, Finishing, Closed };

    void on_transport_connected() override {
        state_ = State::Handshaking;
        channel_ = std::make_unique<parley::TlsChannel>(settings_->context, false, settings_->server_name);
        handshake_timer_.start(timeout_ms_, [this] { fail_handshake("TLS handshake timed out"); });
        channel_->start();
        flush();
    }

    void on_transport_connect_failed(const std::string& reason) override {
        state_ = State::Closed;
        handler_.on_transport_connect_failed(reason);
    }

    void on_transport_data(std::string_view ciphertext) override {
        if (state_ == State::Closed || !channel_) return;
        // The handler may drop this transport from inside a callback.
        std::weak_ptr<bool> alive = alive_;
        bool ok = channel_->receive(ciphertext, [&](std::string_view plain) {
            if (alive.expired() || state_ == State::Closed) return;
            if (state_ == State::Handshaking) opened();
            if (alive.expired()) return;
            handler_.on_transport_data(plain);
        });
        if (alive.expired() || state_ == State::Closed) return;
        if (!ok) {
            if (state_ == State::Handshaking) return fail_handshake(channel_->error());
            return lost(channel_->error());
        }
        flush();  // handshake replies, key updates
        if (state_ == State::Handshaking && channel_->handshake_done()) opened();
    }

    void on_transport_closed(const std::string& reason) override {
        if (state_ == State::Handshaking)
            return fail_handshake(reason.empty() ? "the server closed the connection during the TLS handshake"
                                                 : reason);
        if (state_ == State::Closed) return;
        state_ = State::Closed;
        handler_.on_transport_closed(reason);
    }

    void opened() {
        handshake_timer_.stop();
        state_ = State::Open;
        handler_.on_transport_connected();
    }

    void flush() {
        std::string out = channel_->take_output();
        if (!out.empty()) tcp_->send(std::move(out));
    }

    void fail_handshake(const std::string& reason) {
        if (state_ == State::Closed) return;
        state_ = State::Closed;
        handshake_timer_.stop();
        if (channel_) flush();  // OpenSSL's alert, so the server logs why
        tcp_->reset();  // its closed callback finds state_ Closed and stays quiet
        handler_.on_transport_connect_failed(reason);
    }

    void lost(const std::string& reason) {
        if (state_ == State::Closed) return;
        state_ = State::Closed;
        tcp_->reset();
        handler_.on_transport_closed(reason);
    }

    TransportHandler& handler_;
    std::shared_ptr<const TlsSettings> settings_;
    Timer handshake_timer_;
    std::unique_ptr<Transport> tcp_;
    std::unique_ptr<parley::TlsChannel> channel_;
    State state_ = State::Connecting;
    std::uint64_t timeout_ms_ = 10000;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace

std::unique_ptr<Transport> make_tls_transport(uv_loop_t* loop, TransportHandler& handler,
                                              std::shared_ptr<const TlsSettings> tls) {
    return std::make_unique<TlsTransport>(loop, handler, std::move(tls));
}

}  // namespace parley::client
