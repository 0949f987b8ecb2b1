#pragma once
// Creates a directory and its missing parents with mode 0775 (& ~umask), so
// a store or a snapshot directory is never world-writable, whatever the umask.

#include <sys/stat.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

namespace consist::inline v0::detail {

/// 0 on success (or if it already exists), else the errno of the failing mkdir.
inline int make_directories(const std::filesystem::path& dir) noexcept {
  std::filesystem::path partial;
  for (const auto& part : dir) {
    partial /= part;
    if (partial.empty() || part == partial.root_path() || part.empty()) continue;
    if (::mkdir(partial.c_str(), 0775) != 0 && errno != EEXIST) return errno;
  }
  return 0;
}

}  // namespace consist::inline v0::detail
