#pragma once
// Who is running: pid, host and boot id, recorded at the start of every run so
// that a run left "running" by a dead process can be recognised later.

#include <consist/detail/config.hpp>

#include <string>

namespace consist::inline v0::detail {

struct process_info {
  long long pid = 0;
  std::string host;
  std::string boot_id;
};

CONSIST_DECL const process_info& this_process();

}  // namespace consist::inline v0::detail

#if CONSIST_INCLUDE_IMPL
#include <consist/detail/impl/process_info.ipp>
#endif
