#pragma once
// Questions about recorded runs, as free functions over a run_store or a
// tracker: which runs match, the newest one, an artifact, the chain of runs
// that produced an artifact (lineage), and how two runs differ.

#include <consist/detail/config.hpp>
#include <consist/record.hpp>
#include <consist/store/store.hpp>
#include <consist/tracker.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace consist::inline v0 {

// ---- runs and artifacts --------------------------------------------------------

/// Runs matching every filter of q (model, tag, status, year, iteration,
/// parent), newest first, at most q.limit (0: all).
inline std::vector<run_record> find_runs(const run_store& store, const run_query& q) { return store.find_runs(q); }
inline std::vector<run_record> find_runs(const tracker& t, const run_query& q) { return find_runs(t.store(), q); }

/// The newest run matching q.
CONSIST_DECL std::optional<run_record> find_latest_run(const run_store& store, run_query q);
inline std::optional<run_record> find_latest_run(const tracker& t, run_query q) {
  return find_latest_run(t.store(), std::move(q));
}

inline std::optional<artifact> get_artifact(const run_store& store, std::string_view id) {
  return store.get_artifact(id);
}
inline std::optional<artifact> get_artifact(const tracker& t, std::string_view id) { return get_artifact(t.store(), id); }

/// The artifact the newest run matching `among` (default: every completed
/// run) produced under `key`, or, when that run was a cache hit, the one it
/// reused. Reads the runs newest first: narrow `among` by model in a large store.
CONSIST_DECL std::optional<artifact> find_latest_artifact(const run_store& store, std::string_view key,
                                                       run_query among = {});

// ---- lineage ----------------------------------------------------------------------

/// One artifact in a lineage tree, with the run that produced it and, in
/// turn, the lineage of that run's inputs.
struct lineage_node {
  artifact item;
  std::string used_as;                 // the input key the consuming run gave it (empty at the root)
  std::optional<run_record> producer;  // empty for a plain file, or when the producer's record is gone
  std::vector<lineage_node> inputs;    // the producer's inputs, in its link order
  bool truncated = false;              // the depth limit stopped here: the producer was not read
  bool repeated = false;               // expanded elsewhere in this tree; not again (this also ends cycles)
};

/// The producers of `a`, recursively through their inputs, at most `depth`
/// runs deep. Each artifact is expanded once per tree (again only where
/// more depth is left than where it was met first), so shared ancestors and
/// cycles end in a node marked `repeated`.
CONSIST_DECL lineage_node lineage(const run_store& store, const artifact& a, std::size_t depth = 64);

/// The same by artifact id; a not_found_error when the store has no such artifact.
CONSIST_DECL lineage_node lineage(const run_store& store, std::string_view artifact_id, std::size_t depth = 64);

/// The lineage of the newest artifact produced under `key` (see find_latest_artifact).
CONSIST_DECL lineage_node lineage_of_key(const run_store& store, std::string_view key, std::size_t depth = 64,
                                         run_query among = {});

inline lineage_node lineage(const tracker& t, std::string_view artifact_id, std::size_t depth = 64) {
  return lineage(t.store(), artifact_id, depth);
}
inline lineage_node lineage(const tracker& t, const artifact& a, std::size_t depth = 64) {
  return lineage(t.store(), a, depth);
}

/// The producer runs of a lineage tree, nearest first, each once.
CONSIST_DECL std::vector<run_record> lineage_runs(const lineage_node& root);

// ---- run diffs --------------------------------------------------------------------

/// How two runs differ in identity: the components (code, config, inputs,
/// year, ...), and within them the config fields and input keys.
struct run_diff {
  std::string a, b;  // run ids
  std::vector<std::string> changed_components;
  std::vector<std::string> changed_config_fields;  // needs both runs' field digests (executed runs)
  std::vector<std::string> changed_inputs;
  bool identical() const noexcept { return changed_components.empty(); }
};

CONSIST_DECL run_diff diff_runs(const run_record& a, const run_record& b);

/// The same by run id; a not_found_error when either run is not in the store.
CONSIST_DECL run_diff diff_runs(const run_store& store, std::string_view a, std::string_view b);
inline run_diff diff_runs(const tracker& t, std::string_view a, std::string_view b) { return diff_runs(t.store(), a, b); }

}  // namespace consist::inline v0

#if CONSIST_INCLUDE_IMPL
#include <consist/impl/queries.ipp>
#endif
