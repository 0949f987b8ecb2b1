#pragma once
// After a step: find its outputs, apply the output policy, fingerprint them.

#include <consist/detail/config.hpp>
#include <consist/identity/fingerprint.hpp>
#include <consist/options.hpp>
#include <consist/record.hpp>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace consist::inline v0::detail {

struct collected_outputs {
  std::map<std::string, artifact> by_key;
  std::vector<std::string> warnings;
};

/// An artifact record for a path whose fingerprint is known (id left empty).
CONSIST_DECL artifact make_artifact(const std::string& key, const std::filesystem::path& p,
                                    const std::filesystem::path& run_dir, const fingerprint& fp);

/// A declared output that was not written: error, warning or nothing, per policy.
CONSIST_DECL void missing_output(const output_policy_options& pol, std::vector<std::string>& warnings,
                                 const std::string& key);

/// An output that was not declared: error, warning or nothing, per policy.
CONSIST_DECL void undeclared_output(const output_policy_options& pol, std::vector<std::string>& warnings,
                                    const std::string& key);

/// Declared outputs that exist become artifacts; a missing one and every
/// undeclared file in the output folder follow the policy. An output that is
/// (or holds) a symbolic link leading outside run_dir is refused unless
/// `allow_external` (tracker_config::allow_external_outputs).
CONSIST_DECL collected_outputs collect_outputs(const std::filesystem::path& output_dir,
                                               const std::vector<std::string>& declared,
                                               const output_policy_options& pol,
                                               const std::filesystem::path& run_dir, hashing_mode mode,
                                               bool allow_external);

}  // namespace consist::inline v0::detail

#if CONSIST_INCLUDE_IMPL
#include <consist/detail/impl/outputs.ipp>
#endif
