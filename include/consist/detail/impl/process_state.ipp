#pragma once
// Body of <consist/detail/process_state.hpp>.

#include <consist/detail/process_state.hpp>

#include <consist/detail/process_info.hpp>

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <utility>

namespace consist::inline v0::detail {

/// The state letter and the start time (clock ticks after boot) from /proc/<pid>/stat.
inline std::optional<std::pair<char, unsigned long long>> proc_stat(long long pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return std::nullopt;
  const auto close = line.rfind(')');  // the command name may hold spaces and parentheses
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(line.substr(close + 1));
  char state = '?';
  fields >> state;
  std::string skip;
  for (int i = 0; i < 18 && fields; ++i) fields >> skip;  // fields 4..21
  unsigned long long start_ticks = 0;
  if (!(fields >> start_ticks)) return std::nullopt;
  return std::pair{state, start_ticks};
}

/// The boot time from /proc/stat ("btime", seconds since the epoch).
inline std::optional<long long> boot_time_seconds() {
  std::ifstream in("/proc/stat");
  for (std::string key; in >> key;) {
    if (key == "btime") {
      long long v = 0;
      if (in >> v) return v;
      return std::nullopt;
    }
    in.ignore(1 << 20, '\n');
  }
  return std::nullopt;
}

process_verdict runner_state(const run_record& r) {
  const process_info& here = this_process();
  const std::string who = "process " + std::to_string(r.pid) + " on host '" + r.host + "'";
  if (r.pid <= 0 || r.host.empty()) return {process_state::unknown, "the record names no process"};
  if (r.host != here.host) return {process_state::unknown, who + " (another host: cannot be checked from here)"};
  if (!r.boot_id.empty() && !here.boot_id.empty() && r.boot_id != here.boot_id)
    return {process_state::gone, who + " ran before the host last rebooted"};
  if (::kill(static_cast<pid_t>(r.pid), 0) != 0 && errno == ESRCH)
    return {process_state::gone, who + " no longer exists"};
  const auto stat = proc_stat(r.pid);
  if (!stat) return {process_state::alive, who + " exists"};  // /proc unreadable: trust kill()
  if (stat->first == 'Z' || stat->first == 'X') return {process_state::gone, who + " has exited (zombie)"};
  const auto boot = boot_time_seconds();
  const long ticks = ::sysconf(_SC_CLK_TCK);
  if (boot && ticks > 0) {
    const auto after_boot_ms = stat->second * 1000 / static_cast<unsigned long long>(ticks);
    const auto started = std::chrono::seconds(*boot) + std::chrono::milliseconds(static_cast<long long>(after_boot_ms));
    // Two seconds of slack: btime and the tick count are coarse.
    if (started > r.started_at.time_since_epoch() + std::chrono::seconds(2))
      return {process_state::gone, who + " exited; its pid now belongs to a process started after the run"};
  }
  return {process_state::alive, who + " is running"};
}

}  // namespace consist::inline v0::detail
