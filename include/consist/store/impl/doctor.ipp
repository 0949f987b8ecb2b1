#pragma once
// Body of <consist/store/doctor.hpp>.

#include <consist/store/doctor.hpp>

#include <consist/detail/process_state.hpp>
#include <consist/detail/record_diff.hpp>
#include <consist/detail/snapshot_file.hpp>
#include <consist/error.hpp>
#include <consist/store/listing.hpp>
#include <consist/store/record_codec.hpp>
#include <consist/store/snapshot.hpp>

#include <algorithm>
#include <chrono>
#include <set>
#include <utility>

namespace consist::inline v0 {

namespace detail {

/// Compares the snapshots in <run_dir>/runs with `runs` (sorted by id).
inline void check_snapshots(const std::vector<run_record>& runs, const std::filesystem::path& run_dir,
                            doctor_report& report) {
  const auto dir = run_dir / "runs";
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    report.notes.push_back("snapshots not compared: " + dir.string() + " is not a directory");
    return;
  }
  std::set<std::string, std::less<>> with_snapshot;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const auto name = e.path().filename().string();
    if (!name.starts_with(".") && e.path().extension() == ".json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    ++report.snapshots_checked;
    const std::string stem = f.stem().string();
    snapshot s;
    try {
      s = read_snapshot_full(f);
    } catch (const error& e) {
      report.problems.push_back({store_problem_kind::snapshot_unreadable, stem, e.problem()});
      continue;
    }
    with_snapshot.insert(s.record.id);
    if (s.record.id != stem) {
      report.problems.push_back({store_problem_kind::snapshot_mismatch, stem,
                                 f.string() + " holds run '" + s.record.id + "'"});
      continue;
    }
    const auto it = std::lower_bound(runs.begin(), runs.end(), stem,
                                     [](const run_record& r, const std::string& id) { return r.id < id; });
    if (it == runs.end() || it->id != stem) {
      report.problems.push_back({store_problem_kind::snapshot_orphan, stem,
                                 f.string() + " holds a run the store lacks"});
    } else if (*it != s.record) {
      report.problems.push_back({store_problem_kind::snapshot_mismatch, stem,
                                 f.string() + " differs from the store in: " + differing_fields(*it, s.record)});
    }
  }
  for (const auto& r : runs)
    if (!r.cache_hit && r.status != run_status::running && !with_snapshot.contains(r.id))
      report.problems.push_back({store_problem_kind::snapshot_missing, r.id,
                                 "no " + snapshot_path(run_dir, r.id).string()});
}

}  // namespace detail

doctor_report diagnose_store(const run_store& store, const doctor_options& options) {
  doctor_report report;
  const auto runs = all_runs(store);  // id order
  std::set<std::string, std::less<>> ids;
  for (const auto& r : runs) ids.insert(r.id);
  std::set<std::string, std::less<>> artifact_ids;
  for (const auto& a : all_artifacts(store)) artifact_ids.insert(a.id);
  report.runs_checked = runs.size();

  for (const auto& r : runs) {
    if (r.status == run_status::running) {
      const auto verdict = detail::runner_state(r);
      if (verdict.state == detail::process_state::gone)
        report.problems.push_back({store_problem_kind::abandoned_run, r.id, "left running: " + verdict.reason});
      else if (verdict.state == detail::process_state::unknown)
        report.notes.push_back("run " + r.id + " is running; " + verdict.reason);
    }
    if (!r.parent_run_id.empty() && !ids.contains(r.parent_run_id))
      report.problems.push_back({store_problem_kind::dangling_parent, r.id,
                                 "its parent run '" + r.parent_run_id + "' is not in the store"});
    if (r.cache_hit && !r.cache_source.empty() && !ids.contains(r.cache_source))
      report.problems.push_back({store_problem_kind::dangling_cache_source, r.id,
                                 "the run it reused, '" + r.cache_source + "', is not in the store"});
    for (const auto& l : r.links)
      if (!artifact_ids.contains(l.artifact_id))
        report.problems.push_back({store_problem_kind::missing_artifact, r.id,
                                   std::string(to_string(l.direction)) + " '" + l.key + "' links artifact " +
                                       l.artifact_id + ", which is not in the store"});
  }
  if (options.run_dir) detail::check_snapshots(runs, *options.run_dir, report);
  return report;
}

std::vector<std::string> mark_abandoned_failed(run_store& store, const doctor_report& report,
                                               const doctor_options& options) {
  std::vector<std::string> marked;
  for (const auto& p : report.problems) {
    if (p.kind != store_problem_kind::abandoned_run) continue;
    auto r = store.get_run(p.run_id);
    if (!r || r->status != run_status::running) continue;  // finished or fixed meanwhile
    r->status = run_status::failed;
    r->error = "abandoned: " + p.detail + " (marked failed by consist doctor --fix)";
    r->updated_at = std::chrono::time_point_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now());
    r->meta["abandoned"] = true;
    store.commit_run(*r, nullptr, {});
    if (options.run_dir) detail::write_snapshot_file(snapshot_path(*options.run_dir, r->id),
                                                     snapshot_text_from_store(store, *r), nullptr);
    marked.push_back(r->id);
  }
  return marked;
}

std::vector<std::string> write_missing_snapshots(const run_store& store, const doctor_report& report,
                                                 const doctor_options& options) {
  std::vector<std::string> written;
  if (!options.run_dir) return written;
  for (const auto& p : report.problems) {
    if (p.kind != store_problem_kind::snapshot_missing) continue;
    const auto r = store.get_run(p.run_id);
    const auto file = snapshot_path(*options.run_dir, p.run_id);
    std::error_code ec;
    if (!r || r->status == run_status::running || std::filesystem::exists(file, ec)) continue;  // changed meanwhile
    detail::write_snapshot_file(file, snapshot_text_from_store(store, *r), nullptr);
    written.push_back(r->id);
  }
  return written;
}

}  // namespace consist::inline v0
