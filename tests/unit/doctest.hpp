#pragma once
// The Debian package installs <doctest/doctest.h>; the wrap fallback exposes
// <doctest.h>. Test files include this header so both builds work.
#if __has_include(<doctest/doctest.h>)
#include <doctest/doctest.h>
#else
#include <doctest.h>
#endif
