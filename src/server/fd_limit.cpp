#include "fd_limit.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sys/resource.h>

namespace parley::server {

FdLimit raise_fd_limit(std::size_t wanted) {
    FdLimit out;
    rlimit rl{};
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) {
        out.note = std::string("cannot read the open-file limit: ") + std::strerror(errno);
        return out;
    }
    out.hard = rl.rlim_max == RLIM_INFINITY ? wanted : static_cast<std::size_t>(rl.rlim_max);
    rlim_t target = rl.rlim_max == RLIM_INFINITY ? static_cast<rlim_t>(wanted)
                                                 : std::min<rlim_t>(rl.rlim_max, static_cast<rlim_t>(wanted));
    if (target > rl.rlim_cur) {
        rlimit raised = rl;
        raised.rlim_cur = target;
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0) rl = raised;
        else out.note = std::string("cannot raise the open-file limit: ") + std::strerror(errno);
    }
    out.soft = static_cast<std::size_t>(rl.rlim_cur);
    if (out.soft < wanted && out.note.empty()) {
        out.note = "the open-file limit is " + std::to_string(out.soft) + " (hard " + std::to_string(out.hard) +
                   "), fewer than the " + std::to_string(wanted) + " wanted";
    }
    return out;
}

}  // namespace parley::server
