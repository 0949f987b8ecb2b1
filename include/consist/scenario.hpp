#pragma once
// consist::scenario_context: a header run whose steps are runs and traces.
//
//   auto sc = tracker.scenario("baseline", consist::config{cfg}, consist::require_outputs{"skims"});
//   auto demand = sc.run(make_demand, consist::name{"demand"}, consist::outputs{"trips"});
//   auto assign = sc.run(run_assignment, consist::name{"assign"}, consist::outputs{"skims"},
//                        consist::inputs{{"trips", sc.coupler().at("trips")}});
//   sc.finish();
//
// - The header is a run record (status running until the scenario ends) that
//   always executes and is never a cache candidate; its steps are cached as
//   usual (a step's identity does not include its scenario).
// - Every step's record (hit or miss) carries parent_run_id = the header's id;
//   a step's id is "<header id>.<n>.<name>" (n counts the steps), so steps never
//   collide, also for one name in a loop. An explicit consist::run_id wins.
// - The coupler maps output keys of completed steps to their artifacts (a hit
//   hands over the cached outputs); read it between steps.
// - add_input(key, ...) records an input of the header; refused once a step began.
// - finish() (or the destructor) ends the header: failed, naming the step,
//   when a step failed; failed when keys of require_outputs{...} are missing
//   from the coupler (finish() then throws output_error naming them); failed
//   when an exception unwinds through the scope; else completed. Its meta holds
//   "steps" (the step ids), "coupler" (key -> artifact id) and, when given,
//   "required_outputs" / "missing_outputs". Queued step hit records are
//   flushed, so a finished scenario's steps are all in the store.
// - Scenarios do not nest: opening one while another of the same tracker is
//   open on the same thread is a usage_error. The object is neither copied
//   nor moved (it is the scope).

#include <consist/coupler.hpp>
#include <consist/detail/config.hpp>
#include <consist/detail/option_access.hpp>
#include <consist/detail/run_lifecycle.hpp>
#include <consist/detail/run_placement.hpp>
#include <consist/detail/scenario_state.hpp>
#include <consist/detail/validate.hpp>
#include <consist/error.hpp>
#include <consist/options.hpp>
#include <consist/record.hpp>
#include <consist/resolve.hpp>
#include <consist/tracker.hpp>

#include <exception>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace consist::inline v0 {

class scenario_context {
 public:
  /// Made by tracker::scenario (which checks the options and resolves them).
  CONSIST_DECL scenario_context(tracker& t, resolved_invocation inv, run_record base,
                                std::vector<std::string> required);
  scenario_context(const scenario_context&) = delete;
  scenario_context& operator=(const scenario_context&) = delete;

  CONSIST_DECL ~scenario_context();

  const std::string& id() const noexcept { return header_.record().id; }
  const std::string& name() const noexcept { return inv_.name; }
  /// The header record as it stands (final once the scenario has ended).
  const run_record& record() const noexcept { return header_.record(); }
  const std::vector<std::string>& required_outputs() const noexcept { return required_; }
  /// Output keys of the finished steps -> artifacts.
  const consist::coupler& coupler() const noexcept { return state_->coupler(); }

  /// Runs a step: tracker::run with this scenario as its parent.
  template <class Adapter = reflect_adapter, class Fn, class... Opts>
  auto run(Fn&& fn, const Opts&... opts) {
    const detail::run_placement where = state_->begin_step();
    try {
      auto r = detail::execute_run<Adapter>(*t_, where, std::forward<Fn>(fn), opts...);
      state_->step_ended(r.run, r.outputs);
      return r;
    } catch (...) {
      std::string label, explicit_id;
      if constexpr (detail::has_kind<model, Opts...>) label = detail::get_kind<model>(opts...).value;
      if constexpr (detail::has_kind<consist::name, Opts...>) label = detail::get_kind<consist::name>(opts...).value;
      if constexpr (detail::has_kind<run_id, Opts...>) explicit_id = detail::get_kind<run_id>(opts...).value;
      step_threw(where, label, explicit_id, std::current_exception());
      throw;
    }
  }

  /// Opens a step trace: tracker::trace with this scenario as its parent.
  template <class Adapter = reflect_adapter, class... Opts>
  auto trace(std::string_view step_name, const Opts&... opts) {
    const detail::run_placement where = state_->begin_step();
    try {
      return detail::make_trace<Adapter>(*t_, where, state_, step_name, opts...);
    } catch (...) {
      step_threw(where, std::string(step_name), "", std::current_exception());
      throw;
    }
  }

  /// Records a file or directory the scenario reads as a whole (fingerprinted now).
  CONSIST_DECL artifact add_input(std::string_view key, const std::filesystem::path& path);
  /// Records an artifact of an earlier run as an input of the scenario.
  CONSIST_DECL artifact add_input(std::string_view key, const artifact& a);

  /// Ends the scenario (see the top of this header) and returns the header record.
  CONSIST_DECL const run_record& finish();

 private:
  CONSIST_DECL void claim_input_key(std::string_view key);

  CONSIST_DECL void step_threw(const detail::run_placement& where, const std::string& label, std::string id,
                               std::exception_ptr e) noexcept;

  CONSIST_DECL void end(bool by_exception, bool may_throw);

  CONSIST_DECL static std::string join(const std::vector<std::string>& items, const char* sep = ", ");
  CONSIST_DECL static boost::json::array to_array(const std::vector<std::string>& items);

  detail::scenario_nesting_guard nesting_;  // first: refuses a nested scenario before anything is written
  tracker* t_;
  resolved_invocation inv_;
  std::vector<std::string> required_;
  std::shared_ptr<detail::scenario_state> state_;
  detail::run_spans spans_;
  detail::executing_run header_;
  int exceptions_at_start_;
  std::set<std::string> input_keys_;
  bool ended_ = false;
};

namespace detail {

template <class Adapter, class... Opts>
scenario_context make_scenario(tracker& t, std::string_view scenario_name, const Opts&... opts) {
  static_assert(check_options<scenario_surface, Opts...>);
  static_assert(!has_kind<name, Opts...>,
                "tracker::scenario takes its name as the first argument: scenario(\"baseline\", ...), not "
                "consist::name{...}");
  static_assert(!has_kind<outputs, Opts...>,
                "a scenario header has no outputs of its own: pass consist::require_outputs{...} for the keys "
                "its steps must produce, and consist::outputs{...} to the steps");
  static_assert(!has_kind<execution_options<>, Opts...>,
                "consist::execution_options is for run(fn, ...): pass it to the scenario's steps (sc.run)");
  static_assert(!has_kind<cache_options, Opts...>,
                "a scenario header always executes: pass consist::cache_options to its steps (sc.run / sc.trace)");
  static_assert(!has_kind<output_policy_options, Opts...>,
                "missing required outputs always fail a scenario: pass consist::output_policy_options to its "
                "steps (sc.run / sc.trace)");
  scope_start s = start_scope<Adapter>(t.resolution(), scenario_name, run_placement{}, opts...);
  std::vector<std::string> required;
  if constexpr (has_kind<require_outputs, Opts...>) required = get_kind<require_outputs>(opts...).keys;
  validate_output_key_list(required);
  return scenario_context(t, std::move(s.inv), std::move(s.base), std::move(required));
}

}  // namespace detail

}  // namespace consist::inline v0

#if CONSIST_INCLUDE_IMPL
#include <consist/impl/scenario.ipp>
#endif
