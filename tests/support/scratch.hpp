#pragma once
// A fresh scratch folder per test case, under the test binary directory.

#include <atomic>
#include <filesystem>
#include <string>

#include <unistd.h>

namespace consist_test {

inline std::filesystem::path scratch_dir(const std::string& name) {
  static std::atomic<int> counter{0};
  const auto dir = std::filesystem::path(CONSIST_TEST_BINARY_DIR) / "scratch" /
                   (name + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace consist_test
