#pragma once
/// \file
/// The library's function bodies, for a separately compiled program.
///
/// Define `CONSIST_SEPARATE_COMPILATION` for every translation unit of the
/// program, and include this header in exactly one of them, before any other
/// consist header. That unit then holds the definitions that the headers only
/// declare (see <consist/detail/config.hpp>). <consist/mpi.hpp> is always
/// header-only and is not compiled here.

#if !defined(CONSIST_SEPARATE_COMPILATION)
#error "<consist/src.hpp> is for separately compiled programs: define CONSIST_SEPARATE_COMPILATION for every translation unit (or include only <consist.hpp> to stay header-only)"
#endif
#if defined(CONSIST_DETAIL_CONFIG_SEEN)
#error "<consist/src.hpp> must come before any other consist header in its translation unit: move the include to the top"
#endif

#define CONSIST_SOURCE 1
#include <consist.hpp>
