#pragma once
// Shared by the tests of runs, traces, scenarios and queries: a tracker in a
// fresh scratch folder, and small file helpers.

#include <consist/identity/fingerprint.hpp>
#include <consist/tracker.hpp>

#include <scratch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace run_fixtures {

/// A tracker configuration whose store and run folder are a fresh scratch folder.
inline consist::tracker_config scratch_config(const std::string& name,
                                              consist::hashing_mode hashing = consist::hashing_mode::full) {
  const auto dir = consist_test::scratch_dir(name);
  return consist::tracker_config{.store = dir / "store", .run_dir = dir, .hashing = hashing, .code_version = "test-code-1"};
}

inline void write_file(const std::filesystem::path& p, const std::string& text) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
}

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace run_fixtures
