#pragma once
// Body of <consist/detail/outputs.hpp>.

#include <consist/detail/outputs.hpp>

#include <consist/detail/output_links.hpp>
#include <consist/detail/uuid.hpp>
#include <consist/detail/validate.hpp>
#include <consist/encode/canonical.hpp>
#include <consist/error.hpp>

#include <algorithm>
#include <set>
#include <system_error>
#include <utility>

namespace consist::inline v0::detail {

inline std::string fingerprint_strategy(hashing_mode m) { return m == hashing_mode::full ? "content" : "fast"; }

/// Where a path is recorded: relative to the run folder when inside it (so a
/// moved run folder still resolves), absolute otherwise.
inline std::string artifact_location(const std::filesystem::path& p, const std::filesystem::path& run_dir) {
  const auto rel = p.lexically_relative(run_dir);
  if (!rel.empty() && *rel.begin() != "..") return rel.generic_string();
  return p.generic_string();
}

inline std::string driver_of(const std::filesystem::path& p, bool directory) {
  if (directory) return "directory";
  const auto ext = p.extension().string();
  return ext.size() > 1 ? ext.substr(1) : "file";
}

artifact make_artifact(const std::string& key, const std::filesystem::path& p,
                       const std::filesystem::path& run_dir, const fingerprint& fp) {
  artifact a;
  a.key = key;
  a.location = artifact_location(p, run_dir);
  a.driver = driver_of(p, fp.is_directory);
  a.fingerprint = to_hex(fp.digest);
  a.fingerprint_strategy = fingerprint_strategy(fp.mode);
  a.size = fp.size;
  a.is_directory = fp.is_directory;
  return a;
}

inline void apply_policy(policy p, std::vector<std::string>& warnings, const std::string& problem,
                         const std::string& cause, const std::string& fix) {
  if (p == policy::error) throw output_error(problem, cause, fix);
  if (p == policy::warn) warnings.push_back(problem);
}

void missing_output(const output_policy_options& pol, std::vector<std::string>& warnings,
                    const std::string& key) {
  apply_policy(pol.missing, warnings, "declared output '" + key + "' was not written",
               "the step did not write run_context::output_path(\"" + key + "\") (or a trace did not log it)",
               "write it there, drop it from consist::outputs{...}, or set "
               "output_policy_options{.missing = consist::policy::ignore}");
}

void undeclared_output(const output_policy_options& pol, std::vector<std::string>& warnings,
                       const std::string& key) {
  apply_policy(pol.mismatch, warnings, "undeclared output '" + key + "' was written",
               "the step wrote (or a trace logged) an output it did not declare in consist::outputs{...}",
               "declare it, or set output_policy_options{.mismatch = consist::policy::ignore}");
}

collected_outputs collect_outputs(const std::filesystem::path& output_dir, const std::vector<std::string>& declared,
                                  const output_policy_options& pol, const std::filesystem::path& run_dir,
                                  hashing_mode mode, bool allow_external) {
  collected_outputs out;
  const auto add = [&](const std::string& key, const std::filesystem::path& p) {
    check_output_links(key, p, run_dir, allow_external);
    artifact a = make_artifact(key, p, run_dir, fingerprint_path(p, mode));
    a.id = random_uuid();
    out.by_key.emplace(key, std::move(a));
  };
  std::set<std::filesystem::path> claimed;
  for (const auto& key : declared) {
    const auto p = output_dir / key;
    std::error_code ec;
    if (!std::filesystem::exists(std::filesystem::symlink_status(p, ec))) {
      missing_output(pol, out.warnings, key);
      continue;
    }
    claimed.insert(p);
    add(key, p);
  }
  std::error_code ec;
  if (!std::filesystem::is_directory(output_dir, ec)) return out;
  const auto under_claimed = [&](const std::filesystem::path& p) {
    for (auto q = p; q != output_dir && q.has_relative_path(); q = q.parent_path())
      if (claimed.contains(q)) return true;
    return false;
  };
  std::vector<std::filesystem::path> extras;
  for (auto it = std::filesystem::recursive_directory_iterator(output_dir); it != decltype(it){}; ++it) {
    if (!it->is_symlink() && it->is_directory()) continue;  // a linked folder is one output
    if (!under_claimed(it->path())) extras.push_back(it->path());
  }
  std::sort(extras.begin(), extras.end());
  // An undeclared entry with no content to record (a fifo, socket or device, a dangling link) follows the
  // policy as any other, and is left out as one whose name is no key is: it does not fail a run that ended well.
  const auto has_content = [](const std::filesystem::path& p) {
    std::error_code ec;
    const auto st = std::filesystem::status(p, ec);
    return std::filesystem::is_regular_file(st) || std::filesystem::is_directory(st);
  };
  for (const auto& p : extras) {
    const std::string key = p.lexically_relative(output_dir).generic_string();
    undeclared_output(pol, out.warnings, key);
    if (is_valid_key(key) && has_content(p)) add(key, p);
  }
  return out;
}

}  // namespace consist::inline v0::detail
