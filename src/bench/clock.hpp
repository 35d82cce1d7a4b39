#pragma once
// One clock for every timestamp the bench takes. CLOCK_MONOTONIC is shared by
// all processes on the machine, so a send time written by one worker process
// can be subtracted from a receive time taken in another.
#include <cstdint>
#include <ctime>

namespace parley::bench {

inline uint64_t now_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

inline double ns_to_ms(uint64_t ns) { return static_cast<double>(ns) / 1e6; }

}  // namespace parley::bench
