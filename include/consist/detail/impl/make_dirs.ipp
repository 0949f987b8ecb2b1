#pragma once
// Body of <consist/detail/make_dirs.hpp>.

#include <consist/detail/make_dirs.hpp>

#include <sys/stat.h>

#include <cerrno>
#include <system_error>

namespace consist::inline v0::detail {

int make_directories(const std::filesystem::path& dir) noexcept {
  std::filesystem::path partial;
  for (const auto& part : dir) {
    partial /= part;
    if (partial.empty() || part == partial.root_path() || part.empty()) continue;
    if (::mkdir(partial.c_str(), 0775) != 0 && errno != EEXIST) return errno;
  }
  return 0;
}

}  // namespace consist::inline v0::detail
