#pragma once
// What the demo prints from the store: a runs table, why a run executed, and
// the lineage of an artifact. Everything here is read from run records and
// artifact links, the same facts the `consist` command-line tool shows
// (`consist runs`, `consist why RUN_ID`, `consist lineage KEY`).

#include <consist.hpp>

#include <cstdio>
#include <set>
#include <string>
#include <vector>

namespace demo {

inline std::string year_text(const consist::run_record& r) {
  return r.year ? std::to_string(*r.year) : std::string("-");
}

/// Every run of the store, oldest first.
inline std::vector<consist::run_record> runs_oldest_first(consist::tracker& t) {
  t.flush();  // cache-hit records are written in the background
  auto runs = t.store().find_runs(consist::run_query{});
  return {runs.rbegin(), runs.rend()};
}

inline void print_runs_table(consist::tracker& t) {
  std::printf("%-22s %-11s %-5s %-10s %9s  %s\n", "run", "model", "year", "status", "ms", "result");
  for (const auto& r : runs_oldest_first(t)) {
    const std::string result = r.cache_hit ? "reused " + r.cache_source : "executed";
    std::printf("%-22s %-11s %-5s %-10s %9.2f  %s\n", r.id.c_str(), r.model_name.c_str(), year_text(r).c_str(),
                consist::to_string(r.status), r.duration_seconds() * 1e3, result.c_str());
  }
}

/// The value of a top-level config field in a record, or "?" when the field
/// is nested or absent.
inline std::string config_value(const consist::run_record& r, const std::string& field) {
  const auto* o = r.config.if_object();
  const auto* v = o ? o->if_contains(field) : nullptr;
  if (v == nullptr) return "?";
  if (!v->is_double()) return boost::json::serialize(*v);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v->as_double());
  return buf;
}

/// The run that produced the artifact a run read as input `key`; for a
/// cache-hit record, the input of the run whose result it reused.
inline std::string input_producer(consist::tracker& t, const std::string& run_id, const std::string& key) {
  const auto run = t.store().get_run(run_id);
  if (!run) return {};
  if (run->cache_hit) return input_producer(t, run->cache_source, key);
  for (const auto& link : run->links)
    if (link.direction == consist::link_direction::input && link.key == key)
      if (const auto a = t.store().get_artifact(link.artifact_id)) return a->producing_run_id;
  return {};
}

/// An entry of miss_explanation::changed_inputs without the "(from run ...)" note.
inline std::string input_key(const std::string& entry) { return entry.substr(0, entry.find(" (")); }

inline void print_why(consist::tracker& t, const consist::run_record& r) {
  std::printf("why did %s (%s, %s) execute?\n", r.id.c_str(), r.model_name.c_str(), year_text(r).c_str());
  if (!r.explanation) {
    std::printf("  it did not: it reused %s\n", r.cache_source.c_str());
    return;
  }
  const auto& e = *r.explanation;
  std::printf("  %s\n", e.reason.c_str());
  if (e.nearest_run_id.empty()) return;
  const auto nearest = t.store().get_run(e.nearest_run_id);
  if (nearest && nearest->cache_hit)
    std::printf("  (%s was itself a cache hit, reusing %s)\n", nearest->id.c_str(), nearest->cache_source.c_str());
  for (const auto& f : e.changed_config_fields)
    std::printf("  changed config field %s: %s -> %s\n", f.c_str(), nearest ? config_value(*nearest, f).c_str() : "?",
                config_value(r, f).c_str());
  for (const auto& entry : e.changed_inputs) {
    const auto before = input_producer(t, e.nearest_run_id, input_key(entry));
    std::printf("  changed input %s; before: from run %s\n", entry.c_str(), before.empty() ? "(none)" : before.c_str());
  }
}

namespace detail {
inline void print_lineage(consist::tracker& t, const consist::artifact& a, const std::string& as_key, int depth,
                          std::set<std::string>& shown) {
  const std::string indent(static_cast<std::size_t>(2 * depth), ' ');
  const std::string label = as_key == a.key ? a.key : as_key + " = " + a.key;
  if (a.producing_run_id.empty()) {
    std::printf("%s%s (a plain input file, %s)\n", indent.c_str(), label.c_str(), a.location.c_str());
    return;
  }
  const auto run = t.store().get_run(a.producing_run_id);
  if (!run) {
    std::printf("%s%s <- run %s (not in this store)\n", indent.c_str(), label.c_str(), a.producing_run_id.c_str());
    return;
  }
  std::printf("%s%s <- %s %s (run %s)", indent.c_str(), label.c_str(), run->model_name.c_str(),
              year_text(*run).c_str(), run->id.c_str());
  if (!shown.insert(run->id).second) {
    std::printf(", shown above\n");
    return;
  }
  std::printf("\n");
  for (const auto& link : t.store().links_of_run(run->id))
    if (link.direction == consist::link_direction::input)
      if (const auto in = t.store().get_artifact(link.artifact_id))
        print_lineage(t, *in, link.key, depth + 1, shown);
}
}  // namespace detail

/// The chain of runs and artifacts an artifact came from; returns the ids of
/// the runs visited.
inline std::set<std::string> print_lineage(consist::tracker& t, const consist::artifact& a) {
  std::set<std::string> shown;
  detail::print_lineage(t, a, a.key, 0, shown);
  return shown;
}

}  // namespace demo
