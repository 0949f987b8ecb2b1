#pragma once
// JSON snapshots: every run leaves <run_dir>/runs/<run_id>.json, the record
// (record_codec.hpp, with the full config) plus, for rebuilding, two members:
//   "cache":     null, or for a completed run {"signature", "created_at",
//                "value_base64" (the serialized return value), "outputs"
//                (key -> artifact id)}, so a store rebuilt from snapshots
//                still hits;
//   "artifacts": the artifacts the run introduced (artifact_to_json).
// The text is written directly (detail/record_text.hpp), without building
// a boost::json value first; it is byte for byte what Boost.JSON serializes
// for that document, which unit.snapshot checks.
// A snapshot is written atomically (temporary file in the same directory,
// then rename), so a reader sees the old or the new file, never half of one.
// It is not fsynced: the store is the durable truth and the snapshot its
// human-readable copy, re-creatable from it; after a power loss a snapshot
// may be missing, never torn. read_snapshot is strict (integrity_error on
// invalid JSON, a wrong type or an unknown field, naming the file).

#include <consist/detail/config.hpp>
#include <consist/record.hpp>
#include <consist/store/record_codec.hpp>
#include <consist/store/store.hpp>

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace consist::inline v0 {

/// A snapshot read back: the record and what a rebuild needs besides it.
struct snapshot {
  run_record record;
  std::optional<cache_entry> cache;
  std::vector<artifact> artifacts;
};

CONSIST_DECL std::filesystem::path snapshot_path(const std::filesystem::path& run_dir, std::string_view run_id);

/// Writes the snapshot of `record` atomically; pass the cache entry and the
/// run's artifacts so a store rebuilt from snapshots still hits.
CONSIST_DECL void write_snapshot(const std::filesystem::path& run_dir, const run_record& record,
                                 const cache_entry* entry = nullptr, std::span<const artifact> artifacts = {});

/// The text `write_snapshot` writes: one JSON object, the record's members
/// then `cache` and `artifacts`, followed by a newline.
CONSIST_DECL std::string snapshot_to_text(const run_record& record, const cache_entry* entry = nullptr,
                                          std::span<const artifact> artifacts = {});

/// The same text, from the record's own text (`record_to_text(record)`, as
/// run_store::commit_run returns it), which begins it: the record is not
/// written a second time.
CONSIST_DECL std::string snapshot_to_text(std::string record_text, const run_record& record, const cache_entry* entry,
                                          std::span<const artifact> artifacts);

/// The snapshot text of a run as the store holds it (the run's own snapshot,
/// written again: consist doctor --fix): its record, its cache entry while it
/// is still the one of its signature, and the artifacts it introduced (its
/// plain input files and the outputs it produced), in the order of its links.
CONSIST_DECL std::string snapshot_text_from_store(const run_store& store, const run_record& record);

/// Decodes the text of a snapshot; `source` names it in errors.
CONSIST_DECL snapshot snapshot_from_text(std::string_view text, const std::string& source);

/// Reads a snapshot with everything in it.
CONSIST_DECL snapshot read_snapshot_full(const std::filesystem::path& file);

/// Reads the record of a snapshot.
inline run_record read_snapshot(const std::filesystem::path& file) { return read_snapshot_full(file).record; }

/// Re-creates runs, indexes, artifacts and signature index entries from the
/// snapshots in `<run_dir>/runs` (batched transactions). Returns the number of
/// runs. Every snapshot is read and checked before anything is written: one
/// that cannot be read stops the rebuild with its error (naming the file),
/// and nothing is written.
CONSIST_DECL std::size_t rebuild_store_from_snapshots(run_store& store, const std::filesystem::path& run_dir);

}  // namespace consist::inline v0

#if CONSIST_INCLUDE_IMPL
#include <consist/store/impl/snapshot.ipp>
#endif
