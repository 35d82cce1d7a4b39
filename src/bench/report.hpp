#pragma once
// Turning a run into output: the JSON object for scripts and the table for
// people.
#include <nlohmann/json.hpp>

#include "coordinator.hpp"
#include "options.hpp"

namespace parley::bench {

nlohmann::json build_report(const Options& opt, const RunReport& run);
void print_table(const nlohmann::json& report, std::FILE* out);

}  // namespace parley::bench
