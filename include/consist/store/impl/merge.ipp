#pragma once
// Body of <consist/store/merge.hpp>.

#include <consist/store/merge.hpp>

#include <consist/detail/hex.hpp>
#include <consist/detail/record_diff.hpp>
#include <consist/error.hpp>
#include <consist/store/listing.hpp>

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <utility>

namespace consist::inline v0 {

namespace detail {

template <class T>
struct merge_candidate {
  T value;
  std::string source;
  bool in_destination = false;
};

/// Adds `value` under `id` unless a version is known: the same (per `same`)
/// -> counted, different -> a conflict. Returns true when it was added.
template <class T, class Same, class Describe>
bool merge_one(std::map<std::string, merge_candidate<T>, std::less<>>& known, const std::string& id, T value,
               const std::string& source, const char* kind, std::size_t& identical,
               std::vector<merge_conflict>& conflicts, Same same, Describe describe) {
  const auto it = known.find(id);
  if (it == known.end()) {
    known.emplace(id, merge_candidate<T>{std::move(value), source, false});
    return true;
  }
  if (same(it->second.value, value)) {
    ++identical;
  } else {
    const std::string where = it->second.in_destination ? "the destination" : "'" + it->second.source + "'";
    conflicts.push_back({kind, id, source, "differs from the version in " + where + describe(it->second.value, value)});
  }
  return false;
}

/// Two versions of one artifact id are the same artifact when they agree on
/// what it is. A plain input file's id names its location and fingerprint;
/// its key and created_at are those of the run that used it last in its
/// store, so two stores that each used the file since they were copied from
/// one differ there and still hold the same artifact (the version met first
/// is kept).
inline bool same_artifact(const artifact& a, const artifact& b) {
  if (!a.producing_run_id.empty() || !b.producing_run_id.empty()) return a == b;
  artifact as_b = a;
  as_b.key = b.key;
  as_b.created_at = b.created_at;
  return as_b == b;
}

/// Whether `later` is the finished record of the run that `earlier` records as
/// running (the same start, pid and host: what commit_run replaces).
inline bool finishes(const run_record& earlier, const run_record& later) {
  return earlier.status == run_status::running && later.status != run_status::running &&
         earlier.started_at == later.started_at && earlier.pid == later.pid && earlier.host == later.host;
}

/// The cache entry `r` owns in `s`, if it is the newest completed run of its signature there.
inline std::optional<cache_entry> owned_cache_entry(const run_store& s, const run_record& r) {
  if (r.status != run_status::completed || r.cache_hit) return std::nullopt;
  signature_digest sig{};
  if (!hex_decode_into(r.signature, sig)) return std::nullopt;
  auto e = s.find_cached(sig);
  if (!e || e->run_id != r.id) return std::nullopt;
  return e;
}

}  // namespace detail

merge_report merge_stores(run_store& into, std::span<const run_store* const> sources,
                          const merge_options& options) {
  merge_report report;
  std::map<std::string, detail::merge_candidate<run_record>, std::less<>> runs;
  std::map<std::string, detail::merge_candidate<artifact>, std::less<>> artifacts;
  const std::string dest = into.environment().path();
  // The key is copied first: the candidate is built (and the value moved) before emplace reads it.
  for (auto& r : all_runs(into)) {
    std::string key = r.id;
    runs.emplace(std::move(key), detail::merge_candidate<run_record>{std::move(r), dest, true});
  }
  for (auto& a : all_artifacts(into)) {
    std::string key = a.id;
    artifacts.emplace(std::move(key), detail::merge_candidate<artifact>{std::move(a), dest, true});
  }

  std::vector<run_commit> commits;
  std::map<std::string, std::size_t, std::less<>> commit_of;  // run id -> its place in commits
  std::vector<artifact> new_artifacts;
  std::map<std::string, hit_count> counters;
  const auto run_fields = [](const run_record& a, const run_record& b) {
    return " in: " + detail::differing_fields(a, b);
  };
  const auto no_fields = [](const artifact&, const artifact&) { return std::string(); };
  for (const run_store* s : sources) {
    const std::string from = s->environment().path();
    if (from == dest)
      throw usage_error("cannot merge the store at '" + dest + "' into itself",
                        "the destination was also given as a source", "name each store once");
    for (auto& r : all_runs(*s)) {
      auto entry = detail::owned_cache_entry(*s, r);
      // A run known as running whose finished record this source holds (it
      // ended since that copy was merged) takes that record; the other way
      // round, the finished record is kept.
      if (const auto known = runs.find(r.id); known != runs.end()) {
        if (detail::finishes(r, known->second.value)) {
          ++report.runs_identical;
          continue;
        }
        if (detail::finishes(known->second.value, r)) {
          known->second.value = r;
          known->second.source = from;
          run_commit c{std::move(r), std::move(entry), {}};
          if (const auto at = commit_of.find(c.record.id); at != commit_of.end()) {
            commits[at->second] = std::move(c);
          } else {
            commit_of.emplace(c.record.id, commits.size());
            commits.push_back(std::move(c));
            ++report.runs_finished;
          }
          continue;
        }
      }
      if (detail::merge_one(runs, r.id, r, from, "run", report.runs_identical, report.conflicts,
                            std::equal_to<run_record>(), run_fields)) {
        commit_of.emplace(r.id, commits.size());
        commits.push_back({std::move(r), std::move(entry), {}});
      }
    }
    for (auto& a : all_artifacts(*s))
      if (detail::merge_one(artifacts, a.id, a, from, "artifact", report.artifacts_identical, report.conflicts,
                            detail::same_artifact, no_fields))
        new_artifacts.push_back(std::move(a));
    for (auto& c : all_hit_counters(*s)) {
      auto& m = counters[c.run_id];
      m.run_id = c.run_id;
      m.count = std::max(m.count, c.count);
      m.last_used = std::max(m.last_used, c.last_used);
    }
  }
  if (!report.conflicts.empty() && !options.skip_conflicts) return report;

  // Artifacts ride along with the new runs, spread over them to keep transactions bounded.
  if (commits.empty() && !new_artifacts.empty()) {
    report.notes.push_back(std::to_string(new_artifacts.size()) +
                           " artifacts were not copied: every run that links them is in the destination already "
                           "(check it with consist doctor)");
    new_artifacts.clear();
  }
  for (std::size_t i = 0; i < new_artifacts.size(); ++i)
    commits[i % commits.size()].artifacts.push_back(std::move(new_artifacts[i]));
  const std::size_t batch = std::max<std::size_t>(options.runs_per_transaction, 1);
  for (std::size_t i = 0; i < commits.size(); i += batch) {
    const std::span<const run_commit> part(commits.data() + i, std::min(batch, commits.size() - i));
    into.commit_runs(part);
    for (const auto& c : part) report.artifacts_added += c.artifacts.size();
  }
  report.runs_added = commits.size() - report.runs_finished;
  for (const auto& [id, c] : counters) {
    const auto have = into.hit_counter(id);
    const std::uint64_t before = have ? have->first : 0;
    if (c.count <= before) continue;
    for (std::uint64_t n = before; n < c.count; ++n) into.count_hit(id, c.last_used);
    ++report.counters_merged;
  }
  into.flush();
  report.written = true;
  return report;
}

}  // namespace consist::inline v0
