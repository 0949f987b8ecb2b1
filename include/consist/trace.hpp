#pragma once
// consist::trace: a tracked run around a block of code rather than a function.
//
//   auto t = tracker.trace("assign", consist::config{cfg}, consist::inputs{{"net", p}},
//                          consist::outputs{"skims"});
//   if (!t.cached()) write_skims(t.output_path("skims"));  // logged when the trace ends
//   t.finish();   // or let the scope end; t.outputs().at("skims") is the artifact either way
//
// The options, their compile-time checks and the identity are those of run
// (one resolution path). The body always runs; cached() only tells whether an
// identical completed run exists, so the body may skip its work.
//
// On a hit:
//   - log_output(key, path) of a key the cached run produced, with the same
//     content (the same fingerprint), returns the cached artifact;
//   - log_output of a key the cached run did not produce, or of a file whose
//     fingerprint differs, and log_input of an input the cached run did not
//     read, DEMOTE the hit to a miss: the trace then executes as a run of its
//     own (a `running` record is written at once), its explanation and meta
//     ("demoted_from", "demotion") say why, and what was logged before is
//     linked to it;
//   - when it ends, a hit is recorded like a run's hit: a new record with
//     status completed, cache_hit and cache_source, written per record_hits
//     through group commit, carrying the spans and the context's meta of the
//     body (which did run); its outputs are the cached run's outputs.
// On a miss (or after demotion) the trace is a run: inputs from the options
// and log_input are linked, log_output fingerprints and links each output;
// when it ends, declared consist::outputs{...} not logged are taken from
// output_path(key) when the file is there, else follow output_policy
// .missing; logged keys not declared (when outputs were declared) follow
// .mismatch; then one commit and a snapshot, and it becomes a cache candidate.
//
// Identity comes from the options only: log_input records provenance and,
// on a hit, guards the reuse, but never changes the signature.
//
// Ending: finish() ends it completed (rethrowing an output-policy or store
// error after marking the run failed); fail(exception) ends it failed. The
// destructor ends an unfinished trace: failed when an exception is unwinding
// through it (the outputs logged so far stay linked to the failed run),
// otherwise like finish() but never throwing (call finish() to see errors).

#include <consist/detail/config.hpp>
#include <consist/detail/option_access.hpp>
#include <consist/detail/run_lifecycle.hpp>
#include <consist/detail/run_placement.hpp>
#include <consist/detail/trace_state.hpp>
#include <consist/options.hpp>
#include <consist/record.hpp>
#include <consist/resolve.hpp>
#include <consist/run_context.hpp>
#include <consist/tracker.hpp>

#include <exception>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace consist::inline v0 {

/// The scope object of a trace. Move-only; see the top of this header.
class trace_scope {
 public:
  /// Made by tracker::trace, consist::trace and scenario_context::trace.
  explicit trace_scope(std::unique_ptr<detail::trace_state> state) : s_(std::move(state)) {}
  trace_scope(trace_scope&&) noexcept = default;
  trace_scope& operator=(trace_scope&&) = delete;  // would have to end this trace first: say so with finish()
  trace_scope(const trace_scope&) = delete;
  trace_scope& operator=(const trace_scope&) = delete;
  CONSIST_DECL ~trace_scope();

  /// Whether an identical completed run exists (false after a demotion).
  bool cached() const { return state().cached(); }
  /// The run whose result this trace reuses; empty when it is not cached.
  const std::string& cache_source() const { return state().cache_source(); }
  /// The cached run's outputs; empty when it is not cached.
  const std::map<std::string, artifact>& cached_outputs() const { return state().cached_outputs(); }

  const std::string& id() const { return state().record().id; }
  /// The record as it stands (final once the trace has ended).
  const run_record& record() const { return state().record(); }
  /// Outputs logged so far; once a hit has ended, the cached run's outputs.
  const std::map<std::string, artifact>& outputs() const { return state().outputs(); }
  bool finished() const { return state().finished(); }

  /// Records a plain file or directory this trace read (fingerprinted now).
  artifact log_input(std::string_view key, const std::filesystem::path& path) {
    return state().log_input(key, path);
  }
  /// Records an artifact of an earlier run as an input.
  artifact log_input(std::string_view key, const artifact& a) { return state().log_input(key, a); }
  /// Records an output file or directory; returns its artifact (the cached
  /// one when this is a hit and the file matches it).
  artifact log_output(std::string_view key, const std::filesystem::path& path) {
    return state().log_output(key, path);
  }

  /// The file to write output `key` to: run_dir/outputs/model/trace-id/key (parent folders created).
  std::filesystem::path output_path(std::string_view key) const { return state().context().output_path(key); }
  /// The trace's run_context (for code written against run steps).
  run_context& context() { return state().context(); }

  /// Ends the trace completed; see the top of this header.
  const run_record& finish() { return state().finish(); }
  /// Ends the trace failed with the exception's text. An empty `e` (as
  /// std::current_exception() gives outside a catch block) is a usage_error
  /// and leaves the trace open.
  CONSIST_DECL const run_record& fail(std::exception_ptr e);

 private:
  CONSIST_DECL detail::trace_state& state() const;
  std::unique_ptr<detail::trace_state> s_;
};

namespace detail {

template <class Adapter, class... Opts>
trace_scope make_trace(tracker& t, const run_placement& where, std::shared_ptr<step_observer> observer,
                       std::string_view trace_name, const Opts&... opts) {
  static_assert(check_options<run_surface, Opts...>);
  static_assert(!has_kind<name, Opts...>,
                "consist::trace takes its name as the first argument: trace(\"step\", ...), not consist::name{...}");
  static_assert(!has_kind<execution_options<>, Opts...>,
                "consist::execution_options is for run(fn, ...): a trace has no fn to pass arguments to; "
                "use the values in the trace's body");
  scope_start s = start_scope<Adapter>(t.resolution(), trace_name, where, opts...);
  trace_environment env{&t.store(), t.run_dir(), t.config().hashing, t.config().tracing,
                        t.config().allow_external_outputs};
  return trace_scope(std::make_unique<trace_state>(std::move(env), std::move(s.inv), std::move(s.base),
                                                   std::move(observer)));
}

}  // namespace detail

/// Opens a trace on the innermost live tracker; see tracker::trace.
template <class Adapter = reflect_adapter, class... Opts>
trace_scope trace(std::string_view name, const Opts&... opts) {
  return detail::make_trace<Adapter>(active_tracker(), detail::run_placement{}, nullptr, name, opts...);
}

}  // namespace consist::inline v0

#if CONSIST_INCLUDE_IMPL
#include <consist/impl/trace.ipp>
#endif
