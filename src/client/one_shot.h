#pragma once

#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>
#include <uv.h>

#include "client_options.h"
#include "json_connection.h"
#include "uv_timer.h"

namespace parley::client {

// The frame of every request/reply subcommand: connect, run `script`, then
// leave cleanly and report one exit status. A deadline bounds the whole run
// so a script never hangs on a server that stopped answering.
class OneShot : private JsonConnection::Handler {
public:
    using Json = nlohmann::json;
    using Script = std::function<void(OneShot&)>;

    OneShot(uv_loop_t* loop, const ConnectionOptions& conn);
    ~OneShot() override;

    // Returns the exit status.
    int run(Script script);

    // Sends a request; a failed reply ends the run with kExitRefused (or
    // kExitUnreachable if the connection is gone) after printing `what`.
    void request(Json request, std::function<void(const Json& ok)> on_ok, const std::string& what);

    // Ends the run: quit cleanly (FIN) and exit with `status`.
    void finish(int status);
    // The server closes by itself (after shutdown): just FIN, no quit.
    void finish_quietly(int status);
    // Prints "parley: MESSAGE" on stderr and ends with `status`.
    void fail(int status, const std::string& message);

private:
    void on_open() override;
    void on_open_failed(const std::string& reason) override;
    void on_unsolicited(const Json& frame) override;
    void on_lost(const std::string& reason) override;
    void done(int status);

    uv_loop_t* loop_;
    ConnectionOptions conn_options_;
    std::shared_ptr<JsonConnection> conn_;
    Timer deadline_;
    Script script_;
    int status_ = 0;
    bool ending_ = false;
    bool finished_ = false;
};

}  // namespace parley::client
