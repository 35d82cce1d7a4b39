#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>
#include <uv.h>

#include "line_framer.h"
#include "transport.h"

namespace parley::client {

// One connection speaking the JSON protocol: it numbers requests, matches
// each reply to its request by `id`, and hands everything else (events,
// errors without an id) to its handler. It never reconnects; ChatSession
// does that on top of it.
//
// Callbacks may drop the last reference to the connection; it keeps itself
// alive until the callback returns.
class JsonConnection : public std::enable_shared_from_this<JsonConnection>,
                       private TransportHandler {
public:
    using Json = nlohmann::json;
    using ReplyFn = std::function<void(const Json& reply)>;

    class Handler {
    public:
        virtual ~Handler() = default;
        virtual void on_open() = 0;
        virtual void on_open_failed(const std::string& reason) = 0;
        // An event, or an error the server could not tie to a request
        // (server_full, slow_consumer, frame_too_large...).
        virtual void on_unsolicited(const Json& frame) = 0;
        // The connection is over. `reason` is empty for a clean close.
        virtual void on_lost(const std::string& reason) = 0;
    };

    // The transport is created by the caller so that a TLS one can be given.
    static std::shared_ptr<JsonConnection> create(Handler& handler, const TransportFactory& make);
    ~JsonConnection() override;

    void open(const std::string& host, std::uint16_t port, double timeout_s);

    // Sends `request` with a fresh id. `done` gets the `ok` or `error` reply;
    // if the connection ends first it gets a made-up error with code
    // "disconnected", so every request hears back exactly once.
    void request(Json request, ReplyFn done);

    // `quit`, then FIN once the server said ok; on_lost follows when the
    // server has closed its side.
    void quit();
    // FIN without a quit request (the server is closing anyway).
    void finish();
    // Close at once with a TCP reset.
    void abort();

    bool is_open() const { return state_ == State::Open; }
    std::string peer() const { return transport_ ? transport_->peer() : std::string(); }

    static Json disconnected_error(const std::string& type);

private:
    JsonConnection(Handler& handler);

    void on_transport_connected() override;
    void on_transport_connect_failed(const std::string& reason) override;
    void on_transport_data(std::string_view bytes) override;
    void on_transport_closed(const std::string& reason) override;

    void dispatch(const std::string& line);
    void fail_pending();

    enum class State { Idle, Connecting, Open, Quitting, Closed };

    Handler& handler_;
    std::unique_ptr<Transport> transport_;
    State state_ = State::Idle;
    LineFramer framer_;
    std::int64_t next_id_ = 1;
    std::map<std::int64_t, std::pair<std::string, ReplyFn>> pending_;
};

}  // namespace parley::client
