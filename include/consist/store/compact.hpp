#pragma once
// A compacted hot copy of a store: mdb_env_copy2 with MDB_CP_COMPACT reads
// one consistent snapshot (writers go on meanwhile) and writes only the
// pages in use, renumbered, so the copy is as small as the data allows.
// The copy is a store of its own with the same namespace UUID.

#include <consist/detail/config.hpp>
#include <consist/error.hpp>
#include <consist/store/store.hpp>

#include <filesystem>

namespace consist::inline v0 {

/// Writes a compacted copy of `store` into directory `out` (created if
/// missing). Refuses an `out` that already holds a data.mdb, or is the store itself.
CONSIST_DECL void compact_store(const run_store& store, const std::filesystem::path& out);

}  // namespace consist::inline v0

#if CONSIST_INCLUDE_IMPL
#include <consist/store/impl/compact.ipp>
#endif
