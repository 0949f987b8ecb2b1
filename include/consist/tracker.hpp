#pragma once
// consist::tracker: one store and one run folder, shared by every run of the
// process. A tracker registers itself as the active tracker while it lives,
// so consist::run(fn, ...) uses the innermost live one.

#include <consist/detail/config.hpp>
#include <consist/detail/run_placement.hpp>
#include <consist/error.hpp>
#include <consist/identity/fingerprint.hpp>
#include <consist/resolve.hpp>
#include <consist/store/store.hpp>

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace consist::inline v0 {

struct tracker_config {
  std::filesystem::path store = ".consist";     // the LMDB environment (a folder)
  std::filesystem::path run_dir = ".consist";   // snapshots (runs/) and outputs (outputs/)
  hashing_mode hashing = hashing_mode::full;    // input fingerprints: content, or size + mtime
  consist::durability durability = consist::durability::sync;  // a miss's record is on disk before run() returns
  std::optional<std::string> code_version = {};  // explicit code identity for every run
  std::size_t initial_map_size = 0;              // 0: the store's default; it grows when full
  bool tracing = true;                           // collect CONSIST_SPAN timings into run records
  bool allow_external_outputs = false;           // accept outputs that are symbolic links leading outside run_dir
};

class tracker;
class trace_scope;
class scenario_context;

namespace detail {
// Defined in run.hpp, trace.hpp and scenario.hpp (included at the end of this header).
template <class Adapter, class Fn, class... Opts>
auto execute_run(tracker& t, const run_placement& where, Fn&& fn, const Opts&... opts);
template <class Adapter, class... Opts>
trace_scope make_trace(tracker& t, const run_placement& where, std::shared_ptr<step_observer> observer,
                       std::string_view name, const Opts&... opts);
template <class Adapter, class... Opts>
scenario_context make_scenario(tracker& t, std::string_view name, const Opts&... opts);

// The process-wide stack of live trackers (innermost last).
struct tracker_stack {
  std::mutex mutex;
  std::vector<tracker*> stack;
  static tracker_stack& instance() {
    static tracker_stack s;
    return s;
  }
};
}  // namespace detail

class tracker {
 public:
  CONSIST_DECL explicit tracker(tracker_config cfg = {});

  tracker(const tracker&) = delete;
  tracker& operator=(const tracker&) = delete;

  /// Leaves the active stack and writes the queued records (running runs, cache hits). Records
  /// that cannot be written are reported on stderr; call flush() first to handle that error.
  CONSIST_DECL ~tracker();

  /// Runs fn as a tracked, cached step. See consist::run.
  template <class Adapter = reflect_adapter, class Fn, class... Opts>
  auto run(Fn&& fn, const Opts&... opts) {
    return detail::execute_run<Adapter>(*this, detail::run_placement{}, std::forward<Fn>(fn), opts...);
  }

  /// Opens a trace scope (consist::trace_scope, see trace.hpp): its body
  /// always runs; .cached() says whether an identical completed run exists.
  template <class Adapter = reflect_adapter, class... Opts>
  auto trace(std::string_view name, const Opts&... opts) {
    return detail::make_trace<Adapter>(*this, detail::run_placement{}, nullptr, name, opts...);
  }

  /// Opens a scenario (consist::scenario_context, see scenario.hpp): a header
  /// run whose steps carry its id as parent_run_id.
  template <class Adapter = reflect_adapter, class... Opts>
  auto scenario(std::string_view name, const Opts&... opts) {
    return detail::make_scenario<Adapter>(*this, name, opts...);
  }

  /// Runs matching every filter of q, newest first (see run_store::find_runs).
  std::vector<run_record> find_runs(const run_query& q) const { return store_->find_runs(q); }

  /// Returns once every queued record (running run, cache hit) is committed; rethrows a
  /// background write error.
  void flush() { store_->flush(); }

  run_store& store() noexcept { return *store_; }
  const run_store& store() const noexcept { return *store_; }
  const tracker_config& config() const noexcept { return cfg_; }
  const resolution_context& resolution() const noexcept { return resolution_; }
  const std::filesystem::path& run_dir() const noexcept { return cfg_.run_dir; }

 private:
  tracker_config cfg_;
  std::shared_ptr<run_store> store_;
  resolution_context resolution_;
};

/// The innermost live tracker; a usage_error when there is none.
CONSIST_DECL tracker& active_tracker();

}  // namespace consist::inline v0

#include <consist/run.hpp>
#include <consist/trace.hpp>
#include <consist/scenario.hpp>

#if CONSIST_INCLUDE_IMPL
#include <consist/impl/tracker.ipp>
#endif
