#pragma once
// Combining stores: per-process or per-job stores into one.
//
// Run and artifact ids are unique, so merging is a union. A run or artifact
// already present with identical content is skipped (merging twice changes
// nothing); one present with different content is a conflict, except that a
// run held as `running` takes its finished record (the same run: same start,
// pid and host) from a store that has it, and keeps its finished record
// against a store that still has it running. Conflicts are all found before
// anything is written: with any conflict the merge writes nothing, unless
// skip_conflicts, which keeps the first version seen (the destination's,
// else the earliest source's) and merges the rest.
// Cache entries travel with the runs that own them (the newest completed
// run of a signature stays the cache candidate). Hit counters take the
// larger count per run, so merging a store with a copy of itself does not
// double them. The destination keeps its own namespace UUID.

#include <consist/detail/config.hpp>
#include <consist/record.hpp>
#include <consist/store/store.hpp>

#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace consist::inline v0 {

struct merge_options {
  bool skip_conflicts = false;
  std::size_t runs_per_transaction = 512;  // bounds one write transaction
};

struct merge_conflict {
  std::string kind;    // "run" or "artifact"
  std::string id;
  std::string source;  // the store path that holds the differing version
  std::string detail;  // what differs from which version
};

struct merge_report {
  std::size_t runs_added = 0, runs_identical = 0;
  std::size_t runs_finished = 0;  // running in the destination, replaced by their finished record
  std::size_t artifacts_added = 0, artifacts_identical = 0;
  std::size_t counters_merged = 0;
  std::vector<merge_conflict> conflicts;
  std::vector<std::string> notes;
  bool written = false;  // false: conflicts stopped the merge before any write
};

/// Merges every source store into `into`. See the file comment for the rules.
CONSIST_DECL merge_report merge_stores(run_store& into, std::span<const run_store* const> sources,
                                       const merge_options& options = {});

}  // namespace consist::inline v0

#if CONSIST_INCLUDE_IMPL
#include <consist/store/impl/merge.ipp>
#endif
