#pragma once
// Whole-store reads that run_store's query interface leaves out:
//   - list_runs: a page of runs, newest first, that parses only the records
//     it returns (when the filters are index-only: model, status, tag,
//     parent). It walks the model_time index keys, newest first per model,
//     so the first page of a store with a million runs costs a few hundred
//     key visits and `limit` record parses, not a million parses.
//   - all_runs / all_artifacts / all_hit_counters: every entry, for exports,
//     merges and checks.
// They read through the store's environment and the layout in layout.hpp.

#include <consist/detail/config.hpp>
#include <consist/record.hpp>
#include <consist/store/lmdb.hpp>
#include <consist/store/record_codec.hpp>
#include <consist/store/store.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace consist::inline v0 {

/// The hit counter of one run (record_hits = count).
struct hit_count {
  std::string run_id;
  std::uint64_t count = 0;
  timestamp last_used{};

  friend bool operator==(const hit_count&, const hit_count&) = default;
};

namespace detail {

/// A database of the store by name, inside a read transaction. run_store
/// opened every database already, so this returns the existing handle.
CONSIST_DECL lmdb::dbi store_database(const lmdb::txn& t, const run_store& s, const char* name);

/// Calls fn(key, value) for every entry of a database, in key order.
template <class F>
void for_each_entry(const run_store& s, const char* name, F&& fn) {
  s.environment().read([&](const lmdb::txn& t) {
    const auto db = store_database(t, s, name);
    t.with_cursor(db, [&](lmdb::cursor& c) {
      for (auto e = c.first(); e; e = c.next()) fn(e->first, e->second);
    });
  });
}

}  // namespace detail

/// Runs matching every filter of q, newest (created_at) first, then by id
/// descending: the same answer as run_store::find_runs. Filters on year or
/// iteration need the record, so those walk the candidates' keys in full
/// and parse until `limit` matches are found.
CONSIST_DECL std::vector<run_record> list_runs(const run_store& store, const run_query& q);

/// Every run of the store, in id order.
CONSIST_DECL std::vector<run_record> all_runs(const run_store& store);

/// Every artifact of the store, in id order.
CONSIST_DECL std::vector<artifact> all_artifacts(const run_store& store);

/// Every hit counter of the store, in run id order.
CONSIST_DECL std::vector<hit_count> all_hit_counters(const run_store& store);

}  // namespace consist::inline v0

#if CONSIST_INCLUDE_IMPL
#include <consist/store/impl/listing.ipp>
#endif
