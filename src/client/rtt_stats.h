#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace parley::client {

// Round-trip statistics in the shape `ping` prints them, so the numbers of a
// UDP echo run read the way people expect.
class RttStats {
public:
    void sent() { ++sent_; }
    void received(double rtt_ms) { samples_.push_back(rtt_ms); }

    std::size_t sent_count() const { return sent_; }
    std::size_t received_count() const { return samples_.size(); }
    double loss_percent() const;
    double min() const;
    double avg() const;
    double max() const;
    double mdev() const;  // mean absolute deviation from the average, as ping's mdev

    // "3 sent, 3 received, 0% loss" and, when something came back,
    // "rtt min/avg/max/mdev = 0.041/0.052/0.070/0.012 ms".
    std::vector<std::string> summary() const;

private:
    std::size_t sent_ = 0;
    std::vector<double> samples_;
};

}  // namespace parley::client
