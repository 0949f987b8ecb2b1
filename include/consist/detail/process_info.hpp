#pragma once
// Who is running: pid, host and boot id, recorded at the start of every run so
// that a run left "running" by a dead process can be recognised later.

#include <consist/detail/config.hpp>

#include <sys/types.h>

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

}  // namespace consist::inline v0::detail

#if CONSIST_INCLUDE_IMPL
#include <consist/detail/impl/process_info.ipp>
#endif
