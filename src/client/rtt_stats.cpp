#include "rtt_stats.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

namespace parley::client {

double RttStats::loss_percent() const {
    if (sent_ == 0) return 0.0;
    double lost = static_cast<double>(sent_ - std::min(sent_, samples_.size()));
    return 100.0 * lost / static_cast<double>(sent_);
}

double RttStats::min() const {
    return samples_.empty() ? 0.0 : *std::min_element(samples_.begin(), samples_.end());
}

double RttStats::max() const {
    return samples_.empty() ? 0.0 : *std::max_element(samples_.begin(), samples_.end());
}

double RttStats::avg() const {
    if (samples_.empty()) return 0.0;
    return std::accumulate(samples_.begin(), samples_.end(), 0.0) /
           static_cast<double>(samples_.size());
}

double RttStats::mdev() const {
    if (samples_.empty()) return 0.0;
    double mean = avg();
    double sum = 0.0;
    for (double s : samples_) sum += std::fabs(s - mean);
    return sum / static_cast<double>(samples_.size());
}

std::vector<std::string> RttStats::summary() const {
    std::vector<std::string> lines;
    char buf[160];
    std::snprintf(buf, sizeof buf, "%zu sent, %zu received, %.0f%% loss", sent_, samples_.size(),
                  loss_percent());
    lines.emplace_back(buf);
    if (!samples_.empty()) {
        std::snprintf(buf, sizeof buf, "rtt min/avg/max/mdev = %.3f/%.3f/%.3f/%.3f ms", min(),
                      avg(), max(), mdev());
        lines.emplace_back(buf);
    }
    return lines;
}

}  // namespace parley::client
