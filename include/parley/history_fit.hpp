#pragma once
// A history reply must fit within one connection's output limit, or asking
// for it would get the asker cut off as a slow consumer: with the default
// limits a room's kept messages can encode to more than --max-output.
#include <cstddef>

#include "parley/reply.hpp"
#include "parley/request.hpp"

namespace parley {

// Drops whole messages until the reply encodes (in `mode`) to at most
// `budget` bytes: the oldest when the request had no `since` (a reader wants
// the latest; `truncated` becomes true), the newest when it had (a client
// paging forward asks again from the last seq it got; the reply's `seq` tells
// it more is there). Returns how many were dropped.
std::size_t fit_history(ok::History& history, Mode mode, bool paging_forward, std::size_t budget);

}  // namespace parley
