#pragma once
// Creates a directory and its missing parents with mode 0775 (& ~umask), so
// a store or a snapshot directory is never world-writable, whatever the umask.

#include <consist/detail/config.hpp>

#include <filesystem>

namespace consist::inline v0::detail {

/// 0 on success (or if it already exists), else the errno of the failing mkdir.
CONSIST_DECL int make_directories(const std::filesystem::path& dir) noexcept;

}  // namespace consist::inline v0::detail

#if CONSIST_INCLUDE_IMPL
#include <consist/detail/impl/make_dirs.ipp>
#endif
