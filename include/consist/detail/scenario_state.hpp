#pragma once
// What a scenario's steps report to it (shared with step traces, which may
// end after the scenario object is gone), and the registry that refuses a
// scenario nested in another of the same tracker on the same thread.

#include <consist/coupler.hpp>
#include <consist/detail/run_placement.hpp>
#include <consist/error.hpp>
#include <consist/record.hpp>

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace consist::inline v0::detail {

class scenario_state final : public step_observer {
 public:
  scenario_state(std::string header_id, std::string name) : header_id_(std::move(header_id)), name_(std::move(name)) {}

  /// Numbers the next step; refused once the scenario has ended.
  run_placement begin_step() {
    std::lock_guard lock(m_);
    if (ended_)
      throw usage_error("scenario '" + name_ + "' got a step after it ended",
                        "finish() was called, or the scenario object was destroyed",
                        "run every step before finish(), inside the scenario's scope");
    ++open_steps_;
    return {header_id_, ++steps_};
  }

  void step_ended(const run_record& r, const std::map<std::string, artifact>& outputs) noexcept override {
    try {
      std::lock_guard lock(m_);
      if (ended_) return;
      --open_steps_;
      step_ids_.push_back(r.id);
      if (r.status == run_status::completed) {
        for (const auto& [key, a] : outputs) coupler_.set(key, a);
      } else if (failure_.empty()) {
        failure_ = "step '" + r.id + "' failed: " + r.error;
      }
    } catch (...) {
      // Out of memory while noting a step: the header still ends, without it.
    }
  }

  /// A step that threw before or after leaving a record (`id` empty when unknown).
  void step_threw(const run_placement& where, const std::string& label, const std::string& id,
                  const std::string& error) noexcept {
    try {
      std::lock_guard lock(m_);
      if (ended_) return;
      --open_steps_;
      if (!id.empty()) step_ids_.push_back(id);
      if (failure_.empty())
        failure_ = "step " + std::to_string(where.step) + " '" + label + "'" + (id.empty() ? "" : " (run " + id + ")") +
                   " failed: " + error;
    } catch (...) {
    }
  }

  /// Whether any step has begun (the header's inputs are then fixed).
  bool started() const {
    std::lock_guard lock(m_);
    return steps_ != 0;
  }

  struct summary {
    std::vector<std::string> step_ids;
    consist::coupler outputs;
    std::string failure;
    std::size_t open_steps = 0;
  };
  /// Ends the scenario for its steps: later reports are ignored.
  summary end() {
    std::lock_guard lock(m_);
    ended_ = true;
    return {step_ids_, coupler_, failure_, open_steps_};
  }

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
  scenario_nesting_guard(const void* tracker, const std::string& name)
      : tracker_(tracker), thread_(std::this_thread::get_id()) {
    auto& r = registry();
    std::lock_guard lock(r.m);
    const auto [it, fresh] = r.open.emplace(std::pair(thread_, tracker_), name);
    if (!fresh)
      throw usage_error("scenario '" + name + "' was opened while scenario '" + it->second +
                            "' of the same tracker is open on this thread",
                        "scenarios do not nest: a step of a scenario cannot open another scenario",
                        "finish the first scenario before opening the next, or make the work a step "
                        "(sc.run / sc.trace) of the open one");
  }
  scenario_nesting_guard(const scenario_nesting_guard&) = delete;
  scenario_nesting_guard& operator=(const scenario_nesting_guard&) = delete;
  ~scenario_nesting_guard() { leave(); }

  void leave() noexcept {
    if (!tracker_) return;
    auto& r = registry();
    std::lock_guard lock(r.m);
    r.open.erase(std::pair(thread_, tracker_));
    tracker_ = nullptr;
  }

 private:
  struct open_set {
    std::mutex m;
    std::map<std::pair<std::thread::id, const void*>, std::string> open;
  };
  static open_set& registry() {
    static open_set r;
    return r;
  }
  const void* tracker_;
  std::thread::id thread_;
};

}  // namespace consist::inline v0::detail
