#pragma once
// Body of <consist/detail/process_info.hpp>.

#include <consist/detail/process_info.hpp>

#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <string>

namespace consist::inline v0::detail {

inline std::atomic<pid_t>& cached_pid() noexcept {
  static std::atomic<pid_t> pid{0};  // 0: not read yet, or forgotten by a fork
  return pid;
}

/// Whether the fork handler is registered (it is, unless pthread_atfork failed).
inline bool fork_handler_registered() noexcept {
  static const bool registered = ::pthread_atfork(nullptr, nullptr, [] {
    cached_pid().store(0, std::memory_order_relaxed);
    fork_generation().fetch_add(1, std::memory_order_relaxed);
  }) == 0;
  return registered;
}

std::uint64_t watch_forks() noexcept {
  (void)fork_handler_registered();
  return fork_generation().load(std::memory_order_relaxed);
}

pid_t current_pid() noexcept {
  pid_t pid = cached_pid().load(std::memory_order_relaxed);
  if (pid == 0) {
    // Registered before the first read is cached, so no fork can follow a
    // cached read unseen. (A failed registration only means no caching.)
    const bool forgets = fork_handler_registered();
    pid = ::getpid();
    if (forgets) cached_pid().store(pid, std::memory_order_relaxed);
  }
  return pid;
}

const process_info& this_process() {
  // The pid is looked up each time: a forked child must not inherit its parent's.
  thread_local process_info info;
  info.pid = static_cast<long long>(current_pid());
  if (info.host.empty()) {
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) == 0) info.host = buf;
    std::ifstream in("/proc/sys/kernel/random/boot_id");
    std::getline(in, info.boot_id);
  }
  return info;
}

}  // namespace consist::inline v0::detail
