#pragma once
// Body of <consist/store/compact.hpp>.

#include <consist/store/compact.hpp>

#include <consist/detail/lmdb_error.hpp>
#include <consist/detail/make_dirs.hpp>

#include <lmdb.h>

#include <string>
#include <system_error>

namespace consist::inline v0 {

void compact_store(const run_store& store, const std::filesystem::path& out) {
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
