#pragma once
// Opening a store's named databases and checking its meta record: a store is
// consist's only if its main database holds nothing but consist's databases
// and its meta record says "consist" with a format this build can read. The
// namespace UUID is drawn once, when the store is created.

#include <consist/detail/config.hpp>
#include <consist/detail/run_indexes.hpp>
#include <consist/error.hpp>
#include <consist/store/lmdb.hpp>

#include <optional>
#include <string>

namespace consist::inline v0::detail {

/// Refuses an environment whose main database holds keys other than consist's databases.
CONSIST_DECL void require_consist_main_db(const lmdb::txn& t, const std::string& path);

/// All of consist's databases (created when `create`), or nothing if one is missing.
CONSIST_DECL std::optional<store_dbis> open_store_dbis(lmdb::txn& t, bool create);

/// Checks the meta record (creating it in a new, empty store when allowed) and
/// returns the store's namespace UUID.
CONSIST_DECL std::string check_meta(lmdb::txn& t, const store_dbis& db, const std::string& path, bool may_create);

}  // namespace consist::inline v0::detail

#if CONSIST_INCLUDE_IMPL
#include <consist/detail/impl/store_meta.ipp>
#endif
