#pragma once
// Child processes for the reliability tests: start a test program, wait for
// it, read what it reported.

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

extern char** environ;

namespace reliability {

/// The path of tests/programs/<name>.cpp's executable.
inline std::string program(const std::string& name) {
  return (std::filesystem::path(CONSIST_TEST_PROGRAM_DIR) / ("prog_" + name)).string();
}

/// Starts `path` with `args`; its pid.
inline pid_t spawn(const std::string& path, const std::vector<std::string>& args) {
  std::vector<char*> argv;
  std::vector<std::string> all{path};
  all.insert(all.end(), args.begin(), args.end());
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (::posix_spawn(&pid, path.c_str(), nullptr, nullptr, argv.data(), environ) != 0)
    throw std::runtime_error("cannot start " + path);
  return pid;
}

/// The exit status of a child (128 + signal when a signal ended it).
inline int wait_for(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/// The lines of a file (the last one may lack its newline when a writer died).
inline std::vector<std::string> lines_of(const std::filesystem::path& file) {
  std::vector<std::string> out;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

}  // namespace reliability
