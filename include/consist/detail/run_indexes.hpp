#pragma once
// The index entries a run record owns in the store (links both ways,
// children, tags, model_time) and their replacement when a newer version of
// the record is written: entries of the old version that the new one no
// longer has are deleted in the same transaction, so indexes never point at
// a tag, parent or time the record has stopped having.

#include <consist/detail/config.hpp>
#include <consist/record.hpp>
#include <consist/store/layout.hpp>
#include <consist/store/lmdb.hpp>

#include <string>
#include <utility>
#include <vector>

namespace consist::inline v0::detail {

struct store_dbis {
  lmdb::dbi runs, signature_index, artifacts, run_artifacts, artifact_runs, children, tags, model_time,
      hit_counters, meta;
  // signature_index is the main database (format 2), or a format-1 store's
  // named one: layout::signature_key makes the keys of each.
  bool signatures_in_main = true;
};

struct run_index_entries {
  using entry = std::pair<std::string, std::string>;  // key, value
  std::vector<entry> run_artifacts, artifact_runs, children, tags, model_time;
};

CONSIST_DECL run_index_entries index_entries_of(const run_record& r);

/// Writes `now`'s entries, deleting those of `old` (the previous version) it lacks.
CONSIST_DECL void replace_index_entries(lmdb::txn& t, const store_dbis& db, const run_index_entries* old,
                                        const run_index_entries& now);

/// Rejects a record whose names cannot be keys (usage_error), before any write.
CONSIST_DECL void validate_record_names(const run_record& r);

/// Calls fn(entry) for each entry whose key starts with prefix, in key order, until fn returns false.
template <class F>
void scan_prefix(lmdb::cursor& c, std::string_view prefix, F&& fn) {
  for (auto e = c.seek(prefix); e && e->first.starts_with(prefix); e = c.next())
    if (!fn(*e)) return;
}

/// The same, newest (greatest key) first. prefix ends with '\0'.
template <class F>
void scan_prefix_reverse(lmdb::cursor& c, std::string_view prefix, F&& fn) {
  std::string after(prefix);
  after.back() = '\x01';  // the smallest key greater than every key with the prefix
  auto e = c.seek(after) ? c.prev() : c.last();
  for (; e && e->first.starts_with(prefix); e = c.prev())
    if (!fn(*e)) return;
}

}  // namespace consist::inline v0::detail

#if CONSIST_INCLUDE_IMPL
#include <consist/detail/impl/run_indexes.ipp>
#endif
