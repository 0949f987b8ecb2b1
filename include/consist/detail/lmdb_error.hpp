#pragma once
// LMDB return codes -> consist exceptions with the three-part message: the
// failing call and the store path in the problem, a cause and a fix chosen by
// code. Damaged or foreign files are integrity errors; everything else the
// store refuses is a store error.

#include <consist/detail/config.hpp>
#include <consist/error.hpp>

#include <cstdint>
#include <string_view>

namespace consist::inline v0::detail {

/// Throws the error for LMDB return code rc from `call` on the store at `path`.
/// LMDB reports a write cut short by a full filesystem as an I/O error (EIO),
/// so for EIO the free space of the store's filesystem decides which it was.
[[noreturn]] CONSIST_DECL void throw_lmdb_error(int rc, std::string_view call, std::string_view path);

/// Whether a filesystem with `available` of `total` bytes free is (nearly)
/// full: less than 64 MiB or 1% left, too little for a commit to have fit.
constexpr bool nearly_full(std::uint64_t available, std::uint64_t total) noexcept {
  return available < (std::uint64_t{64} << 20) || available < total / 100;
}

}  // namespace consist::inline v0::detail

#if CONSIST_INCLUDE_IMPL
#include <consist/detail/impl/lmdb_error.ipp>
#endif
