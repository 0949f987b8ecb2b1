#pragma once
// Body of <consist/detail/process_info.hpp>.

#include <consist/detail/process_info.hpp>

#include <unistd.h>

#include <fstream>
#include <string>

namespace consist::inline v0::detail {

const process_info& this_process() {
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
