#pragma once
// A compacted hot copy of a store: mdb_env_copy2 with MDB_CP_COMPACT reads
// one consistent snapshot (writers go on meanwhile) and writes only the
// pages in use, renumbered, so the copy is as small as the data allows.
// The copy is a store of its own with the same namespace UUID.

#include <consist/detail/lmdb_error.hpp>
#include <consist/detail/make_dirs.hpp>
#include <consist/error.hpp>
#include <consist/store/store.hpp>

#include <lmdb.h>

#include <filesystem>
#include <string>
#include <system_error>

namespace consist::inline v0 {

/// Writes a compacted copy of `store` into directory `out` (created if
/// missing). Refuses an `out` that already holds a data.mdb, or is the store itself.
inline void compact_store(const run_store& store, const std::filesystem::path& out) {
  std::error_code ec;
  const auto target = std::filesystem::weakly_canonical(std::filesystem::absolute(out), ec);
  if (target.string() == store.environment().path())
    throw usage_error("cannot compact the store at '" + store.environment().path() + "' onto itself",
                      "the output directory is the store directory", "give --out a new directory");
  if (std::filesystem::exists(out / "data.mdb", ec))
    throw usage_error("'" + out.string() + "' already holds a data.mdb",
                      "the output directory is another store, or an earlier copy",
                      "give a new or empty directory, or remove the old copy first");
  if (const int err = detail::make_directories(out))
    detail::throw_lmdb_error(err, "mkdir(" + out.string() + ")", store.environment().path());
  const int rc = ::mdb_env_copy2(store.environment().handle(), out.c_str(), MDB_CP_COMPACT);
  if (rc != 0) detail::throw_lmdb_error(rc, "mdb_env_copy2(" + out.string() + ", MDB_CP_COMPACT)",
                                        store.environment().path());
}

}  // namespace consist::inline v0
