#pragma once
// The state behind a consist::trace_scope (trace.hpp documents the rules):
// a hit that may be demoted to a miss, or an executing_run, plus what the
// body logged. Kept behind a unique_ptr so a moved scope keeps its context.

#include <consist/detail/config.hpp>
#include <consist/detail/run_lifecycle.hpp>
#include <consist/detail/run_placement.hpp>
#include <consist/identity/fingerprint.hpp>
#include <consist/record.hpp>
#include <consist/resolve.hpp>
#include <consist/run_context.hpp>
#include <consist/store/store.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace consist::inline v0::detail {

/// What a trace needs from its tracker.
struct trace_environment {
  run_store* store;
  std::filesystem::path run_dir;
  hashing_mode hashing;
  bool tracing;
  bool allow_external_outputs;
};

class trace_state {
 public:
  CONSIST_DECL trace_state(trace_environment env, resolved_invocation inv, run_record base,
                           std::shared_ptr<step_observer> observer);
  trace_state(const trace_state&) = delete;
  trace_state& operator=(const trace_state&) = delete;

  bool cached() const noexcept { return hit_.has_value(); }
  const std::string& cache_source() const noexcept { return cache_source_; }
  const std::map<std::string, artifact>& cached_outputs() const noexcept { return cached_outputs_; }
  const std::map<std::string, artifact>& outputs() const noexcept { return outputs_; }
  bool finished() const noexcept { return finished_; }
  run_context& context() noexcept { return ctx_; }
  const run_record& record() const noexcept { return ex_ ? ex_->record() : pending_; }

  CONSIST_DECL artifact log_input(std::string_view key, const std::filesystem::path& path);

  CONSIST_DECL artifact log_input(std::string_view key, const artifact& a);

  CONSIST_DECL artifact log_output(std::string_view key_view, const std::filesystem::path& path);

  CONSIST_DECL const run_record& finish();

  CONSIST_DECL const run_record& fail(std::string error);

  /// Ends an unfinished trace without throwing: failed when an exception
  /// unwinds through the scope, else completed (errors stay in the record).
  CONSIST_DECL void end_in_destructor() noexcept;

 private:
  CONSIST_DECL void require_open(const char* what) const;

  CONSIST_DECL void claim_input_key(std::string_view key);

  CONSIST_DECL artifact add_input(std::string key, artifact a, bool introduces);

  CONSIST_DECL bool was_cached_input(const std::string& key, const artifact& a);

  /// Turns the hit into an executing run and links what was logged so far.
  CONSIST_DECL void demote(const std::string& reason);

  /// The file at `p`, fingerprinted, as a new output artifact of this run.
  CONSIST_DECL artifact own_output(const std::string& key, const std::filesystem::path& p) const;

  CONSIST_DECL void end_hit();

  CONSIST_DECL void end_miss();

  /// Ends the trace failed; a hit is demoted first, so the failure has a run
  /// record of its own with what was logged.
  CONSIST_DECL void end_failed(std::string error) noexcept;

  void notify() noexcept {
    if (observer_) observer_->step_ended(record(), outputs_);
  }

  run_placement placement() const { return {pending_.parent_run_id, 0, {}}; }

  struct logged_input {
    std::string key;
    artifact item;
    bool introduces;
  };

  trace_environment env_;
  resolved_invocation inv_;
  std::shared_ptr<step_observer> observer_;
  int exceptions_at_start_;
  run_context ctx_;
  run_spans spans_;
  std::optional<cache_entry> hit_;
  std::string cache_source_;
  std::map<std::string, artifact> cached_outputs_;
  std::optional<std::vector<artifact_link>> cached_links_;
  run_record pending_;  // a hit's record until it ends
  std::optional<executing_run> ex_;
  std::map<std::string, artifact> outputs_;
  // Where the outputs logged while a hit (and found as cached) lie: a
  // demotion records those files as the demoted run's own outputs.
  std::map<std::string, std::filesystem::path> output_paths_on_hit_;
  std::vector<logged_input> inputs_on_hit_;
  std::set<std::string> input_keys_;
  bool finished_ = false;
};

}  // namespace consist::inline v0::detail

#if CONSIST_INCLUDE_IMPL
#include <consist/detail/impl/trace_state.ipp>
#endif
