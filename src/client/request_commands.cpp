// send, echo, stats, shutdown: one connection, a few requests, one answer.
#include <cstdio>

#include "commands.h"
#include "exit_status.h"
#include "one_shot.h"

namespace parley::client {
namespace {

void print_line(const std::string& line) {
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

// Takes the --nick first when one was given, then goes on.
void with_nick(OneShot& run, const Options& options, std::function<void()> next) {
    if (options.conn.nick.empty()) return next();
    run.request({{"type", "nick"}, {"nick", options.conn.nick}},
                [next](const nlohmann::json&) { next(); },
                "cannot use nick " + options.conn.nick);
}

}  // namespace

int run_send(uv_loop_t* loop, const Options& options) {
    OneShot run(loop, options.conn);
    const std::string room = options.rooms.front();
    return run.run([&](OneShot& r) {
        with_nick(r, options, [&] {
            r.request({{"type", "join"}, {"room", room}}, [&](const nlohmann::json&) {
                r.request({{"type", "say"}, {"room", room}, {"text", options.text}},
                          [&](const nlohmann::json&) {
                              // The text is delivered; leaving is courtesy, so
                              // its outcome does not change the status.
                              r.request({{"type", "leave"}, {"room", room}},
                                        [&](const nlohmann::json&) { r.finish(kExitOk); }, "leave");
                          },
                          "not sent to " + room);
            }, "cannot join " + room);
        });
    });
}

int run_echo(uv_loop_t* loop, const Options& options) {
    OneShot run(loop, options.conn);
    return run.run([&](OneShot& r) {
        r.request({{"type", "echo"}, {"text", options.text}},
                  [&](const nlohmann::json& reply) {
                      print_line(reply.value("text", ""));
                      r.finish(kExitOk);
                  },
                  "echo refused");
    });
}

int run_stats(uv_loop_t* loop, const Options& options) {
    OneShot run(loop, options.conn);
    return run.run([&](OneShot& r) {
        r.request({{"type", "stats"}},
                  [&](const nlohmann::json& reply) {
                      nlohmann::json stats = reply;
                      for (const char* key : {"type", "for", "id"}) stats.erase(key);
                      if (options.json) {
                          print_line(stats.dump());
                      } else {
                          for (const auto& [key, value] : stats.items())
                              print_line(key + ": " + value.dump());
                      }
                      r.finish(kExitOk);
                  },
                  "stats refused");
    });
}

int run_shutdown(uv_loop_t* loop, const Options& options) {
    OneShot run(loop, options.conn);
    return run.run([&](OneShot& r) {
        r.request({{"type", "shutdown"}, {"token", options.token}},
                  [&](const nlohmann::json&) {
                      print_line("the server is shutting down");
                      // It will close every connection itself; a quit now
                      // would not be executed during the drain.
                      r.finish_quietly(kExitOk);
                  },
                  "shutdown refused");
    });
}

}  // namespace parley::client
