#pragma once
// A check that holds in every build type: fuzz targets are built with
// sanitizers but not necessarily without NDEBUG, and a broken property must
// stop the run with the input that broke it, just as a crash does.
#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(cond)                                                                   \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            std::fprintf(stderr, "%s:%d: property violated: %s\n", __FILE__, __LINE__, #cond); \
            std::abort();                                                                  \
        }                                                                                  \
    } while (0)
