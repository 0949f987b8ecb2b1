#pragma once
// Is the process that started a run still running it? A record carries the
// pid, host and boot id of its process (process_info.hpp). From the same
// host and boot, the pid answers, unless the kernel gave it to another
// process since: one that started after the run did cannot be its runner.
// A zombie (killed, not yet reaped) runs nothing. From another host nobody
// can tell.

#include <consist/detail/config.hpp>
#include <consist/record.hpp>

#include <cstdint>
#include <string>

namespace consist::inline v0::detail {

enum class process_state : std::uint8_t { alive, gone, unknown };

struct process_verdict {
  process_state state = process_state::unknown;
  std::string reason;  // why, in words, for reports
};

/// Whether the process recorded in `r` can still be running it, seen from this process.
CONSIST_DECL process_verdict runner_state(const run_record& r);

}  // namespace consist::inline v0::detail

#if CONSIST_INCLUDE_IMPL
#include <consist/detail/impl/process_state.ipp>
#endif
