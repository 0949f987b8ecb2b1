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

#include <consist/detail/run_indexes.hpp>
#include <consist/error.hpp>
#include <consist/record.hpp>
#include <consist/store/layout.hpp>
#include <consist/store/lmdb.hpp>
#include <consist/store/record_codec.hpp>
#include <consist/store/store.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
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
inline lmdb::dbi store_database(const lmdb::txn& t, const run_store& s, const char* name) {
  const auto db = t.open_dbi(name, false);
  if (!db)
    throw integrity_error("the store at '" + s.environment().path() + "' lacks its '" + name + "' database",
                          "the store was damaged or modified by another program",
                          "rebuild the store from the run snapshots (consist rebuild --from-snapshots)");
  return *db;
}

inline std::string stored_run_source(const run_store& s, std::string_view id) {
  return "run record '" + std::string(id) + "' in the store at " + s.environment().path();
}

[[noreturn]] inline void broken_index_entry(const run_store& s, std::string_view what, std::string_view key) {
  std::string shown(key.substr(0, 80));
  for (char& c : shown)
    if (c == '\0') c = '|';
  throw integrity_error("the " + std::string(what) + " of the store at '" + s.environment().path() +
                            "' holds a malformed or dangling entry ('" + shown + "')",
                        "the store was damaged or modified by another program",
                        "rebuild the store from the run snapshots (consist rebuild --from-snapshots)");
}

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
inline std::vector<run_record> list_runs(const run_store& store, const run_query& q) {
  return store.environment().read([&](const lmdb::txn& t) {
    const auto runs = detail::store_database(t, store, layout::db::runs);
    const auto model_time = detail::store_database(t, store, layout::db::model_time);
    const auto tags = detail::store_database(t, store, layout::db::tags);
    const auto children = detail::store_database(t, store, layout::db::children);
    const bool needs_record = q.year.has_value() || q.iteration.has_value();

    // Views into the map: valid for the whole (read-only) transaction.
    struct candidate {
      std::string_view time;  // 8 big-endian bytes, sign bit flipped: compares as time
      std::string_view id;
    };
    std::vector<candidate> found;
    auto scan_model = [&](lmdb::cursor& c, std::string_view prefix) {
      std::size_t taken = 0;
      detail::scan_prefix_reverse(c, prefix, [&](const lmdb::cursor::entry& e) {
        const auto id = layout::model_time_run_id(e.first, prefix.size());
        const auto status = layout::status_from_byte(e.second);
        if (!id || !status) detail::broken_index_entry(store, "model_time index", e.first);
        if (q.status && *status != *q.status) return true;
        if (q.tag && !t.get(tags, layout::pair_key(*q.tag, *id))) return true;
        if (q.parent && !t.get(children, layout::pair_key(*q.parent, *id))) return true;
        found.push_back({e.first.substr(prefix.size(), 8), *id});
        return needs_record || q.limit == 0 || ++taken < q.limit;
      });
    };
    t.with_cursor(model_time, [&](lmdb::cursor& scan) {
      if (q.model) {
        scan_model(scan, layout::prefix_of(*q.model));
        return;
      }
      // One reverse scan per model; the next model starts after "<model>\x01".
      t.with_cursor(model_time, [&](lmdb::cursor& models) {
        for (auto e = models.first(); e;) {
          const auto nul = e->first.find('\0');
          if (nul == std::string_view::npos) detail::broken_index_entry(store, "model_time index", e->first);
          std::string prefix(e->first.substr(0, nul + 1));
          scan_model(scan, prefix);
          prefix.back() = '\x01';
          e = models.seek(prefix);
        }
      });
    });

    std::sort(found.begin(), found.end(), [](const candidate& a, const candidate& b) {
      return a.time != b.time ? a.time > b.time : a.id > b.id;
    });
    std::vector<run_record> out;
    for (const auto& c : found) {
      if (q.limit != 0 && out.size() >= q.limit) break;
      const auto text = t.get(runs, c.id);
      if (!text) detail::broken_index_entry(store, "model_time index", c.id);
      auto r = record_from_text(*text, detail::stored_run_source(store, c.id));
      if ((q.year && r.year != q.year) || (q.iteration && r.iteration != q.iteration)) continue;
      out.push_back(std::move(r));
    }
    return out;
  });
}

/// Every run of the store, in id order.
inline std::vector<run_record> all_runs(const run_store& store) {
  std::vector<run_record> out;
  detail::for_each_entry(store, layout::db::runs, [&](std::string_view id, std::string_view text) {
    out.push_back(record_from_text(text, detail::stored_run_source(store, id)));
  });
  return out;
}

/// Every artifact of the store, in id order.
inline std::vector<artifact> all_artifacts(const run_store& store) {
  std::vector<artifact> out;
  detail::for_each_entry(store, layout::db::artifacts, [&](std::string_view id, std::string_view text) {
    out.push_back(artifact_from_text(text, "artifact '" + std::string(id) + "' in the store at " +
                                               store.environment().path()));
  });
  return out;
}

/// Every hit counter of the store, in run id order.
inline std::vector<hit_count> all_hit_counters(const run_store& store) {
  std::vector<hit_count> out;
  detail::for_each_entry(store, layout::db::hit_counters, [&](std::string_view id, std::string_view value) {
    const auto [count, last] = layout::decode_hit_counter(value, id);
    out.push_back({std::string(id), count, last});
  });
  return out;
}

}  // namespace consist::inline v0
