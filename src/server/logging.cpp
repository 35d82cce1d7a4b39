#include "logging.hpp"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

namespace parley::server {

std::shared_ptr<spdlog::logger> make_logger(const std::string& file, const std::string& level) {
    std::shared_ptr<spdlog::logger> log;
    if (file.empty()) log = std::make_shared<spdlog::logger>("parleyd", std::make_shared<spdlog::sinks::stderr_sink_st>());
    else log = std::make_shared<spdlog::logger>("parleyd", std::make_shared<spdlog::sinks::basic_file_sink_st>(file));
    log->set_pattern("%Y-%m-%dT%H:%M:%S.%e %l %v");
    log->set_level(spdlog::level::from_str(level));
    // Warnings and errors must reach the file even if the process dies next.
    log->flush_on(spdlog::level::warn);
    return log;
}

}  // namespace parley::server
