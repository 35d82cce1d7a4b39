#pragma once
#include "options.hpp"

namespace parley::bench {

// Parses argv into opt. Returns -1 to go on, or the exit status to leave with
// (0 after --help, 2 after a usage error).
int parse_command_line(int argc, char** argv, Options& opt);

}  // namespace parley::bench
