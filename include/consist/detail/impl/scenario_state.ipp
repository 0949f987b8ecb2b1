#pragma once
// Body of <consist/detail/scenario_state.hpp>.

#include <consist/detail/scenario_state.hpp>

#include <consist/error.hpp>

#include <algorithm>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace consist::inline v0::detail {

scenario_state::scenario_state(std::string header_id, std::string name)
    : header_id_(std::move(header_id)), name_(std::move(name)) {}

run_placement scenario_state::begin_step() {
  std::lock_guard lock(m_);
  if (ended_)
    throw usage_error("scenario '" + name_ + "' got a step after it ended",
                      "finish() was called, or the scenario object was destroyed",
                      "run every step before finish(), inside the scenario's scope");
  ++open_steps_;
  return {header_id_, ++steps_, name_};
}

void scenario_state::step_ended(const run_record& r, const std::map<std::string, artifact>& outputs) noexcept {
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

void scenario_state::step_threw(const run_placement& where, const std::string& label, const std::string& id,
                                const std::string& error) noexcept {
  try {
    std::lock_guard lock(m_);
    if (ended_) return;
    --open_steps_;
    // An id an earlier step left is that step's (this one was refused it).
    const bool own = !id.empty() && std::find(step_ids_.begin(), step_ids_.end(), id) == step_ids_.end();
    if (own) step_ids_.push_back(id);
    if (failure_.empty())
      failure_ = "step " + std::to_string(where.step) + " '" + label + "'" + (own ? " (run " + id + ")" : "") +
                 " failed: " + error;
  } catch (...) {
  }
}

bool scenario_state::started() const {
  std::lock_guard lock(m_);
  return steps_ != 0;
}

scenario_state::summary scenario_state::end() {
  std::lock_guard lock(m_);
  ended_ = true;
  return {step_ids_, coupler_, failure_, open_steps_};
}

struct scenario_nesting_guard::open_set {
  std::mutex m;
  std::map<std::pair<const void*, const void*>, std::string> open;
};

/// Identifies the calling thread while it runs (a thread_local's address).
inline const void* this_thread_tag() noexcept {
  static thread_local const char tag = 0;
  return &tag;
}

scenario_nesting_guard::scenario_nesting_guard(const void* tracker, const std::string& name)
    : tracker_(tracker), thread_(this_thread_tag()) {
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

void scenario_nesting_guard::leave() noexcept {
  if (!tracker_) return;
  auto& r = registry();
  std::lock_guard lock(r.m);
  r.open.erase(std::pair(thread_, tracker_));
  tracker_ = nullptr;
}

scenario_nesting_guard::open_set& scenario_nesting_guard::registry() {
  static open_set r;
  return r;
}

}  // namespace consist::inline v0::detail
