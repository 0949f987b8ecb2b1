#pragma once
// Health checks of a store, and the one repair that is always safe.
//
// diagnose_store finds:
//   - abandoned runs: `running` records whose process is gone (pid, host and
//     boot id recorded at start; see detail/process_state.hpp);
//   - dangling parents and cache sources: runs naming a run the store lacks;
//   - links to artifacts the store lacks;
//   - snapshot/store disagreement, when a run folder is given: snapshots of
//     runs the store lacks, snapshots that differ from the store's record or
//     cannot be read, and executed runs without a snapshot.
// A `running` run on another host is a note, not a problem: nobody here can
// tell whether it still runs.
// mark_abandoned_failed marks abandoned runs `failed` with a reason (and
// writes their snapshot into the run folder, when one is given);
// write_missing_snapshots writes the snapshots of finished runs that lack
// one (a run whose snapshot could not be written after its commit) from the
// store. Nothing is ever deleted.

#include <consist/detail/config.hpp>
#include <consist/record.hpp>
#include <consist/store/store.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace consist::inline v0 {

enum class store_problem_kind : std::uint8_t {
  abandoned_run,         // fixable: mark_abandoned_failed
  dangling_parent,
  dangling_cache_source,
  missing_artifact,
  snapshot_orphan,       // a snapshot of a run the store lacks
  snapshot_mismatch,     // a snapshot that differs from the store's record
  snapshot_unreadable,
  snapshot_missing,      // an executed, finished run without a snapshot; fixable: write_missing_snapshots
};

constexpr const char* to_string(store_problem_kind k) noexcept {
  switch (k) {
    case store_problem_kind::abandoned_run: return "abandoned run";
    case store_problem_kind::dangling_parent: return "dangling parent";
    case store_problem_kind::dangling_cache_source: return "dangling cache source";
    case store_problem_kind::missing_artifact: return "missing artifact";
    case store_problem_kind::snapshot_orphan: return "snapshot without run";
    case store_problem_kind::snapshot_mismatch: return "snapshot differs";
    case store_problem_kind::snapshot_unreadable: return "unreadable snapshot";
    case store_problem_kind::snapshot_missing: return "missing snapshot";
  }
  return "?";
}

struct store_problem {
  store_problem_kind kind;
  std::string run_id;  // the run concerned (for a snapshot: the file's run id)
  std::string detail;  // what exactly, in words
};

struct doctor_options {
  /// The run folder whose runs/ snapshots are compared with the store; unset: not compared.
  std::optional<std::filesystem::path> run_dir;
};

struct doctor_report {
  std::vector<store_problem> problems;
  std::vector<std::string> notes;  // facts that are not problems (unverifiable runs, skipped checks)
  std::size_t runs_checked = 0;
  std::size_t snapshots_checked = 0;
};

/// Checks the store (and its snapshots, when options.run_dir is set). Reads only.
CONSIST_DECL doctor_report diagnose_store(const run_store& store, const doctor_options& options = {});

/// Marks every abandoned run of `report` failed, with the reason as its
/// error, if it is still `running` in the store; writes its snapshot into
/// options.run_dir when set. Returns the ids of the runs it marked.
CONSIST_DECL std::vector<std::string> mark_abandoned_failed(run_store& store, const doctor_report& report,
                                                            const doctor_options& options = {});

/// Writes into options.run_dir the snapshot of every run of `report` whose
/// snapshot is missing, from the store (snapshot_text_from_store), if the
/// run is still finished and the file still missing. Returns the ids of the
/// runs whose snapshot it wrote; none without options.run_dir.
CONSIST_DECL std::vector<std::string> write_missing_snapshots(const run_store& store, const doctor_report& report,
                                                              const doctor_options& options);

}  // namespace consist::inline v0

#if CONSIST_INCLUDE_IMPL
#include <consist/store/impl/doctor.ipp>
#endif
