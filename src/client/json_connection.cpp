#include "json_connection.h"

namespace parley::client {

std::shared_ptr<JsonConnection> JsonConnection::create(Handler& handler,
                                                       const TransportFactory& make) {
    std::shared_ptr<JsonConnection> conn(new JsonConnection(handler));
    conn->transport_ = make(*conn);
    return conn;
}

JsonConnection::JsonConnection(Handler& handler) : handler_(handler) {}

JsonConnection::~JsonConnection() = default;

nlohmann::json JsonConnection::disconnected_error(const std::string& type) {
    return Json{{"type", "error"},
                {"for", type},
                {"code", "disconnected"},
                {"message", "not connected to the server"}};
}

void JsonConnection::open(const std::string& host, std::uint16_t port, double timeout_s) {
    state_ = State::Connecting;
    transport_->connect(host, port, timeout_s);
}

void JsonConnection::request(Json request, ReplyFn done) {
    std::string type = request.value("type", "");
    if (state_ != State::Open) {
        if (done) done(disconnected_error(type));
        return;
    }
    std::int64_t id = next_id_++;
    request["id"] = id;
    pending_.emplace(id, std::make_pair(type, std::move(done)));
    transport_->send(request.dump() + "\n");
}

void JsonConnection::quit() {
    if (state_ != State::Open) return;
    auto self = shared_from_this();
    request(Json{{"type", "quit"}}, [this, self](const Json& reply) {
        if (reply.value("type", "") == "ok" && state_ == State::Quitting) transport_->finish();
    });
    // After quit, nothing else may be sent: the server drops it anyway.
    state_ = State::Quitting;
}

void JsonConnection::finish() {
    if (state_ != State::Open) return;
    state_ = State::Quitting;
    transport_->finish();
}

void JsonConnection::abort() {
    if (state_ == State::Closed || state_ == State::Idle) return;
    auto self = shared_from_this();
    transport_->reset();
}

void JsonConnection::on_transport_connected() {
    state_ = State::Open;
    auto self = shared_from_this();
    handler_.on_open();
}

void JsonConnection::on_transport_connect_failed(const std::string& reason) {
    state_ = State::Closed;
    auto self = shared_from_this();
    handler_.on_open_failed(reason);
}

void JsonConnection::on_transport_data(std::string_view bytes) {
    auto self = shared_from_this();
    framer_.feed(bytes);
    while (state_ == State::Open || state_ == State::Quitting) {
        auto line = framer_.next();
        if (!line) break;
        if (!line->empty()) dispatch(*line);
    }
}

void JsonConnection::dispatch(const std::string& line) {
    Json frame = Json::parse(line, nullptr, false);
    if (!frame.is_object()) return;  // not ours to interpret; the server speaks JSON objects
    std::string type = frame.value("type", "");
    if (type == "ok" || type == "error") {
        auto id = frame.find("id");
        if (id != frame.end() && id->is_number_integer()) {
            auto it = pending_.find(id->get<std::int64_t>());
            if (it != pending_.end()) {
                ReplyFn done = std::move(it->second.second);
                pending_.erase(it);
                if (done) done(frame);
                return;
            }
        }
    }
    handler_.on_unsolicited(frame);
}

void JsonConnection::fail_pending() {
    auto pending = std::move(pending_);
    pending_.clear();
    for (auto& [id, entry] : pending)
        if (entry.second) entry.second(disconnected_error(entry.first));
}

void JsonConnection::on_transport_closed(const std::string& reason) {
    if (state_ == State::Closed) return;
    state_ = State::Closed;
    auto self = shared_from_this();
    fail_pending();
    handler_.on_lost(reason);
}

}  // namespace parley::client
