#pragma once
// Who is running: pid, host and boot id, recorded at the start of every run so
// that a run left "running" by a dead process can be recognised later.

#include <fstream>
#include <string>

#include <unistd.h>

namespace consist::inline v0::detail {

struct process_info {
  long long pid = 0;
  std::string host;
  std::string boot_id;
};

inline const process_info& this_process() {
  // The pid is read each time: a forked child must not inherit its parent's.
  thread_local process_info info;
  info.pid = static_cast<long long>(::getpid());
  if (info.host.empty()) {
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) == 0) info.host = buf;
    std::ifstream in("/proc/sys/kernel/random/boot_id");
    std::getline(in, info.boot_id);
  }
  return info;
}

}  // namespace consist::inline v0::detail
