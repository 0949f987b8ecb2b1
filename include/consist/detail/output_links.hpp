#pragma once
// Refuses outputs that are, or contain, symbolic links resolving outside the
// run folder (unless the tracker allows them): such an artifact's content is
// not the run's, can change behind the store's back, and a moved or merged run
// folder would silently point at something else.

#include <consist/detail/config.hpp>

#include <filesystem>
#include <string>

namespace consist::inline v0::detail {

/// Checks an output path and, for a folder, every entry below it (links to
/// folders are checked, not walked). Does nothing when `allowed`.
CONSIST_DECL void check_output_links(const std::string& key, const std::filesystem::path& p,
                                     const std::filesystem::path& run_dir, bool allowed);

}  // namespace consist::inline v0::detail

#if CONSIST_INCLUDE_IMPL
#include <consist/detail/impl/output_links.ipp>
#endif
