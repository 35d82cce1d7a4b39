#include "one_shot.h"

#include <cstdio>

#include "exit_status.h"
#include "resolver.h"

namespace parley::client {

OneShot::OneShot(uv_loop_t* loop, const ConnectionOptions& conn)
    : loop_(loop), conn_options_(conn), deadline_(loop) {}

OneShot::~OneShot() = default;

int OneShot::run(Script script) {
    script_ = std::move(script);
    conn_ = JsonConnection::create(*this, transport_factory(loop_, conn_options_));
    conn_->open(conn_options_.host, conn_options_.effective_port(), conn_options_.timeout_s);
    deadline_.start(static_cast<std::uint64_t>(conn_options_.timeout_s * 1000), [this] {
        char buf[96];
        std::snprintf(buf, sizeof buf, "no answer from the server within %g s", conn_options_.timeout_s);
        fail(kExitUnreachable, buf);
    });
    uv_run(loop_, UV_RUN_DEFAULT);
    return status_;
}

void OneShot::request(Json request, std::function<void(const Json&)> on_ok, const std::string& what) {
    conn_->request(std::move(request), [this, on_ok, what](const Json& reply) {
        if (ending_) return;
        if (reply.value("type", "") == "ok") return on_ok(reply);
        std::string code = reply.value("code", "error");
        if (code == "disconnected") return fail(kExitUnreachable, "connection to the server lost");
        fail(kExitRefused, what + ": " + code + ": " + reply.value("message", ""));
    });
}

void OneShot::finish(int status) {
    if (ending_) return;
    ending_ = true;
    status_ = status;
    if (conn_ && conn_->is_open()) return conn_->quit();  // on_lost completes the run
    done(status);
}

void OneShot::finish_quietly(int status) {
    if (ending_) return;
    ending_ = true;
    status_ = status;
    if (conn_ && conn_->is_open()) return conn_->finish();
    done(status);
}

void OneShot::fail(int status, const std::string& message) {
    if (ending_ && finished_) return;
    std::fprintf(stderr, "parley: %s\n", message.c_str());
    ending_ = true;
    status_ = status;
    if (conn_) conn_->abort();
    done(status);
}

void OneShot::done(int status) {
    if (finished_) return;
    finished_ = true;
    status_ = status;
    deadline_.stop();
    conn_.reset();
}

void OneShot::on_open() { script_(*this); }

void OneShot::on_open_failed(const std::string& reason) {
    fail(kExitUnreachable, "cannot reach server at " +
                               format_endpoint(conn_options_.host, conn_options_.effective_port()) + ": " + reason);
}

void OneShot::on_unsolicited(const Json& frame) {
    if (frame.value("type", "") != "error") return;  // events are not for us
    fail(kExitRefused, "server error: " + frame.value("code", "error") + ": " + frame.value("message", ""));
}

void OneShot::on_lost(const std::string& reason) {
    if (ending_) return done(status_);
    fail(kExitUnreachable, reason.empty() ? std::string("the server closed the connection")
                                          : "connection to the server lost: " + reason);
}

}  // namespace parley::client
