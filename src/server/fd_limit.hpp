#pragma once
// The open-file limit: each connection costs one descriptor.
#include <cstddef>
#include <string>

namespace parley::server {

// Descriptors kept back for the listener, UDP, the loop's own, the log file.
constexpr std::size_t kReservedDescriptors = 32;

struct FdLimit {
    std::size_t soft = 0;   // after raising
    std::size_t hard = 0;
    std::string note;       // set when the limit could not be raised far enough
};

// Raises the soft limit towards `wanted` descriptors (or the hard limit).
FdLimit raise_fd_limit(std::size_t wanted);

}  // namespace parley::server
