#pragma once
// Who is running: pid, host and boot id, recorded at the start of every run so
// that a run left "running" by a dead process can be recognised later.

#include <consist/detail/config.hpp>

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <string>

namespace consist::inline v0::detail {

struct process_info {
  long long pid = 0;
  std::string host;
  std::string boot_id;
};

CONSIST_DECL const process_info& this_process();

/// getpid() without a system call on every run: the pid is read once and
/// read again in a child after fork() (a pthread_atfork handler forgets it).
CONSIST_DECL pid_t current_pid() noexcept;

/// How many fork()s this process is removed from the process that first
/// called watch_forks(): a child's count is its parent's plus one (counted
/// by a pthread_atfork handler). An LMDB environment and the threads a store
/// started belong to the process that made them; what was made under another
/// count is the parent's and must not be used here.
inline std::atomic<std::uint64_t>& fork_generation() noexcept {
  static std::atomic<std::uint64_t> generation{0};
  return generation;
}

/// Registers (once) the handler that counts forks, and the one that makes
/// current_pid() read the pid again in a child; returns the current count.
CONSIST_DECL std::uint64_t watch_forks() noexcept;

/// Whether this process is a child (of a child...) of the one that was at
/// `generation`: one relaxed load, no system call.
inline bool forked_since(std::uint64_t generation) noexcept {
  return fork_generation().load(std::memory_order_relaxed) != generation;
}

}  // namespace consist::inline v0::detail

#if CONSIST_INCLUDE_IMPL
#include <consist/detail/impl/process_info.ipp>
#endif
