#pragma once
// Body of <consist/queries.hpp>.

#include <consist/queries.hpp>

#include <consist/error.hpp>
#include <consist/explain.hpp>

#include <algorithm>
#include <map>
#include <set>

namespace consist::inline v0 {

std::optional<run_record> find_latest_run(const run_store& store, run_query q) {
  q.limit = 1;
  auto found = store.find_runs(q);
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

namespace detail {

/// The id of the artifact `r` has under output `key`: its own link, or, for a
/// hit (whose record links no outputs), the link of the run it reused.
inline std::optional<std::string> output_of(const run_store& store, const run_record& r, std::string_view key) {
  std::optional<run_record> source;
  const run_record* at = &r;
  for (std::size_t hops = 0; hops < 64; ++hops) {  // a hit names an executed run; the bound only ends a damaged chain
    for (const artifact_link& l : at->links)
      if (l.direction == link_direction::output && l.key == key) return l.artifact_id;
    if (!at->cache_hit || at->cache_source.empty() || at->cache_source == at->id) return std::nullopt;
    source = store.get_run(at->cache_source);
    if (!source) return std::nullopt;
    at = &*source;
  }
  return std::nullopt;
}

}  // namespace detail

std::optional<artifact> find_latest_artifact(const run_store& store, std::string_view key, run_query among) {
  if (!among.status) among.status = run_status::completed;
  among.limit = 0;
  for (const run_record& r : store.find_runs(among))
    if (auto id = detail::output_of(store, r, key)) return store.get_artifact(*id);
  return std::nullopt;
}

namespace detail {

/// `expanded`: artifact id -> the depth it was expanded with. One met again
/// is expanded again only with more depth left than before (the walk is
/// depth first, so it may meet an artifact deep in one branch before it
/// meets it nearer the root in another), which also ends cycles.
inline lineage_node lineage_of(const run_store& store, artifact item, std::string used_as, std::size_t depth,
                               std::map<std::string, std::size_t>& expanded) {
  lineage_node node{std::move(item), std::move(used_as), std::nullopt, {}, false, false};
  if (node.item.producing_run_id.empty()) return node;
  if (depth == 0) {
    node.truncated = true;
    return node;
  }
  const auto [at, first] = expanded.try_emplace(node.item.id, depth);
  if (!first) {
    if (at->second >= depth) {
      node.repeated = true;
      return node;
    }
    at->second = depth;
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

lineage_node lineage(const run_store& store, const artifact& a, std::size_t depth) {
  std::map<std::string, std::size_t> expanded;
  return detail::lineage_of(store, a, "", depth, expanded);
}

lineage_node lineage(const run_store& store, std::string_view artifact_id, std::size_t depth) {
  auto a = store.get_artifact(artifact_id);
  if (!a)
    throw not_found_error("lineage: no artifact '" + std::string(artifact_id) + "' in the store at " +
                              store.path().string(),
                          "the id is misspelt, or the artifact was recorded in another store",
                          "take the id from a run's outputs (run_result::outputs, trace_scope::outputs)");
  return lineage(store, *a, depth);
}

lineage_node lineage_of_key(const run_store& store, std::string_view key, std::size_t depth, run_query among) {
  auto a = find_latest_artifact(store, key, std::move(among));
  if (!a)
    throw not_found_error("lineage_of_key: no completed run produced an output '" + std::string(key) + "'",
                          "the key is misspelt, or the producing run failed or was recorded elsewhere",
                          "check the key against the producing run's consist::outputs{...}");
  return lineage(store, *a, depth);
}

std::vector<run_record> lineage_runs(const lineage_node& root) {
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

run_diff diff_runs(const run_record& a, const run_record& b) {
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

run_diff diff_runs(const run_store& store, std::string_view a, std::string_view b) {
  return diff_runs(detail::run_with_fields(store, a), detail::run_with_fields(store, b));
}

}  // namespace consist::inline v0
