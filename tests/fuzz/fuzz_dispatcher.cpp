// The whole protocol core (Client, codecs, RoomRegistry, Dispatcher) driven
// by four connections that send arbitrary bytes, reconnect, let time pass and
// see the server shut down. Each input is played twice, once with every read
// whole and once cut into small pieces at input-derived points: what every
// connection receives must be byte for byte the same (PROTOCOL.md: "the
// result must not depend on how the bytes were cut"). Along the way every
// frame sent must be a well-formed line for the connection's mode, nothing
// may be sent after quit, the registry must stay consistent, and ASan's leak
// check at the end of each input proves that disconnects free everything.
//
// Input: records separated by 0xFF (a byte that is never valid UTF-8, so no
// protocol input is lost by reserving it). A record's first byte picks the
// action, the rest is its argument:
//   'c' + k   close connection k % 4 and open a fresh one in its place
//   't' + n   let n[0] seconds pass (monotonic and wall clock)
//   'e'       expire empty rooms
//   's'       SIGTERM: the server begins its drain
//   anything else: connection (byte & 3) receives the rest as one read
// so seeds are easy to write with printf (see corpus/dispatcher).
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"
#include "parley/client.hpp"
#include "parley/dispatcher.hpp"
#include "parley/names.hpp"
#include "parley/room.hpp"
#include "utf8_model.hpp"

namespace {

using namespace parley;
constexpr std::size_t kConns = 4;
constexpr char kAdminToken[] = "sesame";

struct FakeClock final : Clock {
    std::int64_t wall = 1'700'000'000'000;
    std::int64_t mono = 5'000;
    std::int64_t wall_ms() const override { return wall; }
    std::int64_t mono_ms() const override { return mono; }
};

struct FakeLifecycle final : Lifecycle {
    bool shut_down = false;
    void shutdown_started(ShutdownReason) override {
        FUZZ_CHECK(!shut_down);  // the drain starts once
        shut_down = true;
    }
    void log_message(const Client&, std::string_view, std::string_view) override {}
};

bool is_shutdown_event(std::string_view frame) {
    return frame == "* server shutting down\n" || frame.starts_with("{\"type\":\"shutdown\"");
}

// Every frame is complete lines that suit the mode the client is in.
void check_frame(std::string_view frame, Mode mode) {
    FUZZ_CHECK(!frame.empty() && frame.back() == '\n');
    while (!frame.empty()) {
        std::size_t lf = frame.find('\n');
        std::string_view line = frame.substr(0, lf);
        frame.remove_prefix(lf + 1);
        auto cps = fuzz_model::decode_utf8(line);
        FUZZ_CHECK(cps.has_value());
        if (mode == Mode::json) {
            auto obj = nlohmann::json::parse(line, nullptr, false);
            FUZZ_CHECK(obj.is_object() && obj["type"].is_string());
        } else {
            for (char32_t cp : *cps) FUZZ_CHECK(!fuzz_model::unsafe_for_terminal(cp));
        }
    }
}

class Conn final : public Transport {
public:
    Conn(Dispatcher& d, std::string& transcript) : transcript_(transcript) {
        client_ = std::make_unique<Client>(d, *this);
    }
    void send(SharedFrame frame) override {
        FUZZ_CHECK(frame != nullptr);
        send_copy(*frame);
    }
    void send_copy(std::string_view frame) override {
        FUZZ_CHECK(!closed_);  // nothing after quit's close_after_flush
        check_frame(frame, client_->mode());
        if (draining_seen_) {
            FUZZ_CHECK(is_shutdown_event(frame));
            FUZZ_CHECK(++shutdown_events_ == 1);
        }
        transcript_.append(frame);
    }
    void close_after_flush() override {
        FUZZ_CHECK(!closed_);
        closed_ = true;
        transcript_.append("<closed>\n");
    }
    Client& client() { return *client_; }
    bool closed() const { return closed_; }
    void draining_seen() { draining_seen_ = true; }

private:
    std::string& transcript_;
    std::unique_ptr<Client> client_;
    bool closed_ = false;
    bool draining_seen_ = false;
    int shutdown_events_ = 0;
};

ProtocolConfig fuzz_config() {
    ProtocolConfig c;
    c.max_frame = 200;  // small, so over-long lines are easy to reach
    c.rate = 1000;
    c.burst = 24;
    c.admin_token = kAdminToken;
    c.log_messages = true;
    c.registry.max_rooms_per_client = 3;
    c.registry.history = 4;
    c.registry.empty_room_retention_ms = 10'000;
    return c;
}

void check_registry(Dispatcher& d, const std::array<std::unique_ptr<Conn>, kConns>& conns) {
    auto& reg = d.registry();
    std::size_t registered = 0;
    std::set<std::string> keys;
    for (const auto& conn : conns) {
        if (!conn) continue;
        const Client& c = conn->client();
        if (!c.registered()) {
            FUZZ_CHECK(c.rooms().empty());
            continue;
        }
        ++registered;
        FUZZ_CHECK(keys.insert(names::nick_key(c.nick())).second);  // unique, case-folded
        FUZZ_CHECK(names::valid_nick(c.nick()));
        FUZZ_CHECK(c.rooms().size() <= reg.limits().max_rooms_per_client);
        std::set<const Room*> distinct(c.rooms().begin(), c.rooms().end());
        FUZZ_CHECK(distinct.size() == c.rooms().size());
        for (const Room* room : c.rooms()) {
            const auto& m = room->members();
            FUZZ_CHECK(std::count(m.begin(), m.end(), &c) == 1);
            FUZZ_CHECK(room->history().size() <= reg.limits().history);
            auto who = reg.who(room->name());
            FUZZ_CHECK(who.ok() && std::is_sorted(who.value().members.begin(), who.value().members.end()));
        }
    }
    FUZZ_CHECK(reg.participant_count() == registered);
    FUZZ_CHECK(reg.occupied_room_count() == reg.rooms().rooms.size());
}

// Plays the input once. `cut` > 0 feeds every read in pieces of at most
// `cut` bytes; returns each connection slot's transcript.
std::array<std::string, kConns> play(std::string_view input, std::size_t cut) {
    FakeClock clock;
    FakeLifecycle lifecycle;
    Dispatcher dispatcher(fuzz_config(), clock, lifecycle);
    std::array<std::string, kConns> transcripts;
    std::array<std::unique_ptr<Conn>, kConns> conns;
    for (std::size_t k = 0; k < kConns; ++k) conns[k] = std::make_unique<Conn>(dispatcher, transcripts[k]);

    std::size_t step = 0;
    while (!input.empty()) {
        std::size_t end = input.find('\xff');
        std::string_view record = input.substr(0, end);
        input.remove_prefix(end == std::string_view::npos ? input.size() : end + 1);
        if (record.empty()) continue;
        const char op = record.front();
        std::string_view arg = record.substr(1);
        const std::size_t k = arg.empty() ? 0 : static_cast<unsigned char>(arg.front()) % kConns;
        switch (op) {
            case 'c':
                conns[k].reset();
                transcripts[k].append("<reconnect>\n");
                // A draining server accepts nobody new.
                if (!dispatcher.draining()) conns[k] = std::make_unique<Conn>(dispatcher, transcripts[k]);
                break;
            case 't': {
                std::int64_t ms = 1000 * (arg.empty() ? 1 : static_cast<unsigned char>(arg.front()));
                clock.mono += ms;
                clock.wall += ms;
                break;
            }
            case 'e': dispatcher.registry().expire_empty_rooms(); break;
            case 's': dispatcher.begin_shutdown(ShutdownReason::signal); break;
            default: {
                // The shell stops reading after quit and once the drain
                // begins (TcpSession::finish), so neither gets more input.
                if (!conns[static_cast<unsigned char>(op) & 3] || dispatcher.draining()) break;
                Conn& conn = *conns[static_cast<unsigned char>(op) & 3];
                if (conn.closed()) break;
                if (cut == 0) {
                    conn.client().receive(arg);
                    break;
                }
                // Piece sizes from 1 to `cut`, varied by position so that every
                // offset gets cut somewhere across inputs.
                while (!arg.empty() && !conn.closed() && !dispatcher.draining()) {
                    std::size_t n = std::min(arg.size(), 1 + (step++ * 7 + arg.size()) % cut);
                    conn.client().receive(arg.substr(0, n));
                    arg.remove_prefix(n);
                }
            }
        }
        if (dispatcher.draining() || lifecycle.shut_down) {
            FUZZ_CHECK(dispatcher.draining() && lifecycle.shut_down);
            for (auto& conn : conns)
                if (conn) conn->draining_seen();
        }
        check_registry(dispatcher, conns);
    }
    for (auto& conn : conns) conn.reset();  // disconnects run with the registry alive
    FUZZ_CHECK(dispatcher.registry().participant_count() == 0);
    FUZZ_CHECK(dispatcher.registry().occupied_room_count() == 0);
    return transcripts;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    auto whole = play(input, 0);
    auto pieces = play(input, 1 + size % 5);
    for (std::size_t k = 0; k < kConns; ++k) {
        if (whole[k] != pieces[k] && std::getenv("FUZZ_VERBOSE")) {
            std::fprintf(stderr, "connection %zu, reads whole:\n%s\nreads cut:\n%s\n", k, whole[k].c_str(),
                         pieces[k].c_str());
        }
        FUZZ_CHECK(whole[k] == pieces[k]);
    }
    return 0;
}
