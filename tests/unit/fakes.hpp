#pragma once
// Test doubles for the pure core: time that only moves when a test says so,
// a transport that records every frame, a lifecycle that records what the
// protocol asked of the shell, and a participant that records its events.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "parley/client.hpp"
#include "parley/clock.hpp"
#include "parley/dispatcher.hpp"
#include "parley/event.hpp"
#include "parley/participant.hpp"
#include "parley/transport.hpp"

namespace parley::test {

class FakeClock final : public Clock {
public:
    std::int64_t wall = 1'700'000'000'000;  // a plausible Unix time in ms
    std::int64_t mono = 5'000;

    std::int64_t wall_ms() const override { return wall; }
    std::int64_t mono_ms() const override { return mono; }
    void advance(std::int64_t ms) {
        wall += ms;
        mono += ms;
    }
};

class FakeTransport final : public Transport {
public:
    std::vector<SharedFrame> sent;
    int close_calls = 0;
    std::size_t sent_before_close = 0;  // how many frames were queued when close was asked
    std::vector<ErrorCode> limits_hit;
    int pauses = 0;
    int resumes = 0;
    bool backlogged = false;    // what output_backlogged() answers
    bool takes_yields = false;  // input_yielded(): will the test call continue_input()?
    int yields = 0;

    void send(SharedFrame frame) override { sent.push_back(std::move(frame)); }
    void send_copy(std::string_view bytes) override {
        sent.push_back(std::make_shared<const std::string>(bytes));
    }
    void close_after_flush() override {
        ++close_calls;
        sent_before_close = sent.size();
    }
    void limit_hit(ErrorCode code) override { limits_hit.push_back(code); }
    void pause_reading() override { ++pauses; }
    void resume_reading() override { ++resumes; }
    bool output_backlogged() const override { return backlogged; }
    bool input_yielded() override {
        ++yields;
        return takes_yields;
    }

    // Every line sent, without its LF; a text history reply is one frame of
    // several lines.
    std::vector<std::string> lines() const {
        std::vector<std::string> out;
        for (const auto& f : sent) {
            std::string_view rest = *f;
            while (!rest.empty()) {
                auto lf = rest.find('\n');
                out.emplace_back(rest.substr(0, lf));
                rest.remove_prefix(lf == std::string_view::npos ? rest.size() : lf + 1);
            }
        }
        return out;
    }
    // Every line parsed as JSON (throws on a line that is not JSON).
    std::vector<nlohmann::json> json() const {
        std::vector<nlohmann::json> out;
        for (const auto& line : lines()) out.push_back(nlohmann::json::parse(line));
        return out;
    }
    nlohmann::json last_json() const { return nlohmann::json::parse(lines().back()); }
    std::string last_line() const { return lines().back(); }
    void clear() { sent.clear(); }
};

class FakeLifecycle final : public Lifecycle {
public:
    struct Logged {
        std::string from, where, text;
    };
    std::vector<ShutdownReason> shutdowns;
    std::vector<Logged> logged;

    void shutdown_started(ShutdownReason reason) override { shutdowns.push_back(reason); }
    void log_message(const Client& from, std::string_view where, std::string_view text) override {
        logged.push_back({from.nick(), std::string(where), std::string(text)});
    }
};

class RecordingParticipant final : public Participant {
public:
    std::vector<Event> events;

    void deliver(const OutgoingEvent& event) override { events.push_back(event.event()); }

    template <class T>
    std::vector<T> of() const {
        std::vector<T> out;
        for (const auto& e : events)
            if (const auto* t = std::get_if<T>(&e)) out.push_back(*t);
        return out;
    }
    void clear() { events.clear(); }
};

// A Dispatcher with fake time and lifecycle: the server side of Client tests.
struct TestServer {
    explicit TestServer(ProtocolConfig config = {}) : dispatcher(std::move(config), clock, lifecycle) {}

    FakeClock clock;
    FakeLifecycle lifecycle;
    Dispatcher dispatcher;
};

// One connection: a Client whose output lands in a FakeTransport.
struct TestConn {
    explicit TestConn(TestServer& server) : client(server.dispatcher, transport) {}

    // Sends one line (the LF is added).
    void line(std::string_view text) { client.receive(std::string(text) + "\n"); }

    FakeTransport transport;
    Client client;
};

}  // namespace parley::test
