#pragma once
// Body of <consist/detail/output_links.hpp>.

#include <consist/detail/output_links.hpp>

#include <consist/error.hpp>

#include <system_error>

namespace consist::inline v0::detail {

/// True when `target` (canonical) lies inside `root` (canonical) or is it.
inline bool path_within(const std::filesystem::path& target, const std::filesystem::path& root) {
  const auto rel = target.lexically_relative(root);
  return !rel.empty() && *rel.begin() != "..";
}

/// Throws output_error when `link` is a symbolic link whose resolved target is
/// outside `root` (or cannot be resolved).
inline void refuse_external_link(const std::string& key, const std::filesystem::path& link,
                                 const std::filesystem::path& root) {
  std::error_code ec;
  const auto target = std::filesystem::weakly_canonical(link, ec);
  if (!ec && path_within(target, root)) return;
  throw output_error(
      "output '" + key + "': " + link.string() + " is a symbolic link to " +
          (ec ? std::string("a target that cannot be resolved") : target.string()) + ", outside the run folder " +
          root.string(),
      "the step linked a file or folder into its output folder instead of writing it there",
      "write (or copy) the data under the run folder, or set "
      "tracker_config{.allow_external_outputs = true} to record links to outside data");
}

void check_output_links(const std::string& key, const std::filesystem::path& p,
                        const std::filesystem::path& run_dir, bool allowed) {
  if (allowed) return;
  std::error_code ec;
  auto root = std::filesystem::weakly_canonical(run_dir, ec);
  if (ec) root = run_dir.lexically_normal();
  if (std::filesystem::is_symlink(std::filesystem::symlink_status(p, ec))) refuse_external_link(key, p, root);
  if (!std::filesystem::is_directory(p, ec)) return;
  for (auto it = std::filesystem::recursive_directory_iterator(p, ec); !ec && it != decltype(it){}; it.increment(ec))
    if (it->is_symlink(ec)) refuse_external_link(key, it->path(), root);
}

}  // namespace consist::inline v0::detail
