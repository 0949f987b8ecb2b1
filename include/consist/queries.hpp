#pragma once
// Questions about recorded runs, as free functions over a run_store or a
// tracker: which runs match, the newest one, an artifact, the chain of runs
// that produced an artifact (lineage), and how two runs differ.

#include <consist/error.hpp>
#include <consist/explain.hpp>
#include <consist/record.hpp>
#include <consist/store/store.hpp>
#include <consist/tracker.hpp>

#include <algorithm>
#include <cstddef>
#include <optional>
#include <set>
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
inline std::optional<run_record> find_latest_run(const run_store& store, run_query q) {
  q.limit = 1;
  auto found = store.find_runs(q);
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}
inline std::optional<run_record> find_latest_run(const tracker& t, run_query q) {
  return find_latest_run(t.store(), std::move(q));
}

inline std::optional<artifact> get_artifact(const run_store& store, std::string_view id) {
  return store.get_artifact(id);
}
inline std::optional<artifact> get_artifact(const tracker& t, std::string_view id) { return get_artifact(t.store(), id); }

/// The artifact the newest run matching `among` (default: every completed
/// run) produced under `key`. Reads the runs newest first: narrow `among` by
/// model in a large store.
inline std::optional<artifact> find_latest_artifact(const run_store& store, std::string_view key, run_query among = {}) {
  if (!among.status) among.status = run_status::completed;
  among.limit = 0;
  for (const run_record& r : store.find_runs(among))
    for (const artifact_link& l : r.links)
      if (l.direction == link_direction::output && l.key == key) return store.get_artifact(l.artifact_id);
  return std::nullopt;
}

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

namespace detail {

inline lineage_node lineage_of(const run_store& store, artifact item, std::string used_as, std::size_t depth,
                               std::set<std::string>& expanded) {
  lineage_node node{std::move(item), std::move(used_as), std::nullopt, {}, false, false};
  if (node.item.producing_run_id.empty()) return node;
  if (!expanded.insert(node.item.id).second) {
    node.repeated = true;
    return node;
  }
  if (depth == 0) {
    node.truncated = true;
    return node;
  }
  node.producer = store.get_run(node.item.producing_run_id);
  if (!node.producer) return node;
  for (const artifact_link& l : node.producer->links) {
    if (l.direction != link_direction::input) continue;
    auto in = store.get_artifact(l.artifact_id);
    if (!in)
      throw integrity_error("run '" + l.run_id + "' links input artifact '" + l.artifact_id + "', which the store lacks",
                            "the store was damaged or modified by another program",
                            "rebuild the store from the run snapshots");
    node.inputs.push_back(lineage_of(store, std::move(*in), l.key, depth - 1, expanded));
  }
  return node;
}

}  // namespace detail

/// The producers of `a`, recursively through their inputs, at most `depth`
/// runs deep. Each artifact is expanded once per tree, so shared ancestors
/// and cycles end in a node marked `repeated`.
inline lineage_node lineage(const run_store& store, const artifact& a, std::size_t depth = 64) {
  std::set<std::string> expanded;
  return detail::lineage_of(store, a, "", depth, expanded);
}

/// The same by artifact id; a not_found_error when the store has no such artifact.
inline lineage_node lineage(const run_store& store, std::string_view artifact_id, std::size_t depth = 64) {
  auto a = store.get_artifact(artifact_id);
  if (!a)
    throw not_found_error("lineage: no artifact '" + std::string(artifact_id) + "' in the store at " +
                              store.path().string(),
                          "the id is misspelt, or the artifact was recorded in another store",
                          "take the id from a run's outputs (run_result::outputs, trace_scope::outputs)");
  return lineage(store, *a, depth);
}

/// The lineage of the newest artifact produced under `key` (see find_latest_artifact).
inline lineage_node lineage_of_key(const run_store& store, std::string_view key, std::size_t depth = 64,
                                   run_query among = {}) {
  auto a = find_latest_artifact(store, key, std::move(among));
  if (!a)
    throw not_found_error("lineage_of_key: no completed run produced an output '" + std::string(key) + "'",
                          "the key is misspelt, or the producing run failed or was recorded elsewhere",
                          "check the key against the producing run's consist::outputs{...}");
  return lineage(store, *a, depth);
}

inline lineage_node lineage(const tracker& t, std::string_view artifact_id, std::size_t depth = 64) {
  return lineage(t.store(), artifact_id, depth);
}
inline lineage_node lineage(const tracker& t, const artifact& a, std::size_t depth = 64) {
  return lineage(t.store(), a, depth);
}

/// The producer runs of a lineage tree, nearest first, each once.
inline std::vector<run_record> lineage_runs(const lineage_node& root) {
  std::vector<run_record> out;
  std::set<std::string> seen;
  std::vector<const lineage_node*> level{&root};
  while (!level.empty()) {
    std::vector<const lineage_node*> next;
    for (const lineage_node* n : level) {
      if (n->producer && seen.insert(n->producer->id).second) out.push_back(*n->producer);
      for (const auto& in : n->inputs) next.push_back(&in);
    }
    level = std::move(next);
  }
  return out;
}

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

inline run_diff diff_runs(const run_record& a, const run_record& b) {
  run_diff d{a.id, b.id, changed_components(a.identity, b.identity), {}, {}};
  const auto has = [&](const char* c) {
    return std::find(d.changed_components.begin(), d.changed_components.end(), c) != d.changed_components.end();
  };
  if (has("config") && !a.config_fields.empty() && !b.config_fields.empty())
    d.changed_config_fields = changed_keys(a.config_fields, b.config_fields);
  if (has("inputs")) d.changed_inputs = changed_keys(a.identity.inputs, b.identity.inputs);
  return d;
}

namespace detail {
/// A run with its config fields: a hit record keeps none, its source does.
inline run_record run_with_fields(const run_store& store, std::string_view id) {
  auto r = store.get_run(id);
  if (!r)
    throw not_found_error("diff_runs: no run '" + std::string(id) + "' in the store at " + store.path().string(),
                          "the id is misspelt, or the run is in another store (or its hit record is still queued: "
                          "call tracker::flush())",
                          "take the id from a run record (find_runs)");
  if (r->config_fields.empty() && r->cache_hit && !r->cache_source.empty())
    if (auto source = store.get_run(r->cache_source)) r->config_fields = std::move(source->config_fields);
  return std::move(*r);
}
}  // namespace detail

/// The same by run id; a not_found_error when either run is not in the store.
inline run_diff diff_runs(const run_store& store, std::string_view a, std::string_view b) {
  return diff_runs(detail::run_with_fields(store, a), detail::run_with_fields(store, b));
}
inline run_diff diff_runs(const tracker& t, std::string_view a, std::string_view b) { return diff_runs(t.store(), a, b); }

}  // namespace consist::inline v0
