#pragma once
// Compilation mode.
//
// Header-only (the default): every function body is in the headers, marked
// inline, and nothing has to be linked.
//
// Separately compiled: define CONSIST_SEPARATE_COMPILATION for every
// translation unit of the program (for example with
// `target_compile_definitions`), and include <consist/src.hpp> in exactly one
// of them. The headers then declare the library's non-template functions
// without their bodies, and that one unit defines them. Each unit that
// includes <consist.hpp> compiles faster, because it no longer parses those
// bodies nor instantiates what they use.
//
// The function bodies live in `impl/*.ipp` files beside the headers that
// declare them; a header includes its `.ipp` at its end unless the program is
// separately compiled and the unit is not the one that includes
// <consist/src.hpp>.

/// Set once any consist header has been seen, so <consist/src.hpp> can check
/// that it comes first.
#define CONSIST_DETAIL_CONFIG_SEEN 1

#if defined(CONSIST_SEPARATE_COMPILATION)
/// Marks a declaration whose body is in an `.ipp` file: plain (external
/// linkage) when separately compiled, inline when header-only.
#define CONSIST_DECL
#else
#define CONSIST_DECL inline
#endif

#if !defined(CONSIST_SEPARATE_COMPILATION) || defined(CONSIST_SOURCE)
/// 1 when this unit compiles the function bodies (`impl/*.ipp`).
#define CONSIST_INCLUDE_IMPL 1
#else
#define CONSIST_INCLUDE_IMPL 0
#endif
