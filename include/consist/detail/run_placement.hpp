#pragma once
// Where a run or trace sits: at the top level, or as a numbered step of a
// scenario (whose header is told when the step ends).

#include <consist/record.hpp>

#include <cstdint>
#include <map>
#include <string>

namespace consist::inline v0::detail {

/// Told when a step of a scenario ends, completed or failed, with the
/// outputs it leaves (a hit's outputs are the cached run's).
class step_observer {
 public:
  virtual ~step_observer() = default;
  virtual void step_ended(const run_record& record, const std::map<std::string, artifact>& outputs) noexcept = 0;
};

struct run_placement {
  std::string parent_run_id;  // empty: a top-level run
  std::uint64_t step = 0;     // the step's number in its scenario (from 1)
  std::string scenario;       // the scenario's name (a step's run id is checked with it)
};

}  // namespace consist::inline v0::detail
