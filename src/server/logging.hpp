#pragma once
// The server's log: spdlog, synchronous (one thread, by design), to standard
// error or to --log-file.
#include <memory>
#include <spdlog/spdlog.h>
#include <string>

namespace parley::server {

// Throws std::runtime_error when the file cannot be opened.
std::shared_ptr<spdlog::logger> make_logger(const std::string& file, const std::string& level);

}  // namespace parley::server
