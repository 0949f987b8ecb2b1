#pragma once
// What a scenario's steps report to it (shared with step traces, which may
// end after the scenario object is gone), and the registry that refuses a
// scenario nested in another of the same tracker on the same thread.

#include <consist/coupler.hpp>
#include <consist/detail/config.hpp>
#include <consist/detail/run_placement.hpp>
#include <consist/record.hpp>

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace consist::inline v0::detail {

class scenario_state final : public step_observer {
 public:
  CONSIST_DECL scenario_state(std::string header_id, std::string name);

  /// Numbers the next step; refused once the scenario has ended.
  CONSIST_DECL run_placement begin_step();

  CONSIST_DECL void step_ended(const run_record& r, const std::map<std::string, artifact>& outputs) noexcept override;

  /// A step that threw before or after leaving a record (`id` empty when unknown).
  CONSIST_DECL void step_threw(const run_placement& where, const std::string& label, const std::string& id,
                               const std::string& error) noexcept;

  /// Whether any step has begun (the header's inputs are then fixed).
  CONSIST_DECL bool started() const;

  struct summary {
    std::vector<std::string> step_ids;
    consist::coupler outputs;
    std::string failure;
    std::size_t open_steps = 0;
  };
  /// Ends the scenario for its steps: later reports are ignored.
  CONSIST_DECL summary end();

  const consist::coupler& coupler() const noexcept { return coupler_; }

 private:
  mutable std::mutex m_;
  std::string header_id_;
  std::string name_;
  std::uint64_t steps_ = 0;
  std::size_t open_steps_ = 0;
  std::vector<std::string> step_ids_;
  consist::coupler coupler_;
  std::string failure_;  // the first failing step
  bool ended_ = false;
};

/// Registers an open scenario per (thread, tracker) from construction until
/// leave() or destruction; a second one on the same thread and tracker is refused.
class scenario_nesting_guard {
 public:
  CONSIST_DECL scenario_nesting_guard(const void* tracker, const std::string& name);
  scenario_nesting_guard(const scenario_nesting_guard&) = delete;
  scenario_nesting_guard& operator=(const scenario_nesting_guard&) = delete;
  ~scenario_nesting_guard() { leave(); }

  CONSIST_DECL void leave() noexcept;

 private:
  struct open_set;  // the open scenarios by (thread, tracker)
  CONSIST_DECL static open_set& registry();
  const void* tracker_;
  const void* thread_;  // the address of a thread-local: unique among the running threads
};

}  // namespace consist::inline v0::detail

#if CONSIST_INCLUDE_IMPL
#include <consist/detail/impl/scenario_state.ipp>
#endif
