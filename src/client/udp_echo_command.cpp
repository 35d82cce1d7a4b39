// `parley udp-echo TEXT`: ping-style round trips through the UDP echo port.
#include <cstdio>

#include "commands.h"
#include "exit_status.h"
#include "rtt_stats.h"
#include "udp_echo.h"
#include "uv_timer.h"

namespace parley::client {
namespace {

class UdpEchoRun {
public:
    UdpEchoRun(uv_loop_t* loop, const Options& options)
        : loop_(loop), options_(options), echo_(loop), pause_(loop) {}

    int run() {
        echo_.open(options_.conn.host, options_.conn.effective_udp_port(), [this](const std::string& err) {
            if (!err.empty()) {
                std::fprintf(stderr, "parley: cannot reach %s over UDP: %s\n", echo_.peer().c_str(), err.c_str());
                status_ = kExitUnreachable;
                return;
            }
            next();
        });
        uv_run(loop_, UV_RUN_DEFAULT);
        return status_;
    }

private:
    void next() {
        if (static_cast<int>(stats_.sent_count()) >= options_.count) return summarise();
        stats_.sent();
        int seq = static_cast<int>(stats_.sent_count());
        echo_.probe(options_.text, options_.wait_s, [this, seq](std::optional<double> rtt, const std::string& err) {
            if (rtt) {
                stats_.received(*rtt);
                std::printf("%zu bytes from %s: seq=%d time=%.3f ms\n", options_.text.size(),
                            echo_.peer().c_str(), seq, *rtt);
            } else if (!err.empty()) {
                std::printf("seq=%d: %s\n", seq, err.c_str());
            } else {
                std::printf("seq=%d: no reply within %g s\n", seq, options_.wait_s);
            }
            std::fflush(stdout);
            if (static_cast<int>(stats_.sent_count()) >= options_.count) return summarise();
            pause_.start(static_cast<std::uint64_t>(options_.interval_s * 1000), [this] { next(); });
        });
    }

    void summarise() {
        std::printf("--- %s udp echo statistics ---\n", echo_.peer().c_str());
        for (const auto& line : stats_.summary()) std::printf("%s\n", line.c_str());
        std::fflush(stdout);
        if (stats_.received_count() == 0) {
            std::fprintf(stderr, "parley: no UDP echo came back from %s\n", echo_.peer().c_str());
            status_ = kExitUnreachable;
        }
        echo_.close();
    }

    uv_loop_t* loop_;
    const Options& options_;
    UdpEcho echo_;
    Timer pause_;
    RttStats stats_;
    int status_ = kExitOk;
};

}  // namespace

int run_udp_echo(uv_loop_t* loop, const Options& options) {
    UdpEchoRun run(loop, options);
    return run.run();
}

}  // namespace parley::client
