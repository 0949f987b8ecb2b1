#pragma once
// What the demo prints from the store comes from the `consist` command-line
// tool itself (`consist runs`, `consist why RUN_ID`, `consist lineage KEY`),
// run as a child process on the demo's store: the reader sees exactly what
// they would see typing the command, and the demo gets the text back to
// check the story it tells (story.hpp).

#include <sys/wait.h>

#include <cstdio>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace demo {

struct cli_output {
  int exit_code = -1;  // -1: the tool could not be started or did not exit normally
  std::string text;    // its stdout and stderr

  std::vector<std::string> lines() const {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }
  bool contains(std::string_view s) const { return text.find(s) != std::string::npos; }
};

/// `s` quoted for /bin/sh: inside single quotes nothing is special but the quote itself.
inline std::string shell_quoted(const std::string& s) {
  std::string out = "'";
  for (const char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

/// Runs `tool args...`, prints "$ consist args..." and what the tool wrote,
/// and returns that text with the exit code.
inline cli_output run_cli(const std::string& tool, const std::vector<std::string>& args) {
  std::string shown = "consist", command = shell_quoted(tool);
  for (const auto& a : args) {
    shown += " " + a;
    command += " " + shell_quoted(a);
  }
  std::printf("$ %s\n", shown.c_str());
  std::fflush(stdout);
  cli_output out;
  std::FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) {
    std::printf("(could not start %s)\n", tool.c_str());
    return out;
  }
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) out.text.append(buf, n);
  const int status = ::pclose(pipe);
  if (status != -1 && WIFEXITED(status)) out.exit_code = WEXITSTATUS(status);
  std::fputs(out.text.c_str(), stdout);
  if (out.exit_code != 0) std::printf("(exit code %d)\n", out.exit_code);
  return out;
}

}  // namespace demo
