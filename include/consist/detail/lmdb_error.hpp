#pragma once
// LMDB return codes -> consist exceptions with the three-part message: the
// failing call and the store path in the problem, a cause and a fix chosen by
// code. Damaged or foreign files are integrity errors; everything else the
// store refuses is a store error.

#include <consist/detail/config.hpp>
#include <consist/error.hpp>

#include <string_view>

namespace consist::inline v0::detail {

/// Throws the error for LMDB return code rc from `call` on the store at `path`.
[[noreturn]] CONSIST_DECL void throw_lmdb_error(int rc, std::string_view call, std::string_view path);

}  // namespace consist::inline v0::detail

#if CONSIST_INCLUDE_IMPL
#include <consist/detail/impl/lmdb_error.ipp>
#endif
