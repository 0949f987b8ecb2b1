#pragma once
// Body of <consist/store/listing.hpp>.

#include <consist/store/listing.hpp>

#include <consist/detail/run_indexes.hpp>
#include <consist/error.hpp>
#include <consist/store/layout.hpp>

#include <algorithm>
#include <utility>

namespace consist::inline v0 {

namespace detail {

lmdb::dbi store_database(const lmdb::txn& t, const run_store& s, const char* name) {
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

}  // namespace detail

std::vector<run_record> list_runs(const run_store& store, const run_query& q) {
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

std::vector<run_record> all_runs(const run_store& store) {
  std::vector<run_record> out;
  detail::for_each_entry(store, layout::db::runs, [&](std::string_view id, std::string_view text) {
    out.push_back(record_from_text(text, detail::stored_run_source(store, id)));
  });
  return out;
}

std::vector<artifact> all_artifacts(const run_store& store) {
  std::vector<artifact> out;
  detail::for_each_entry(store, layout::db::artifacts, [&](std::string_view id, std::string_view text) {
    out.push_back(artifact_from_text(text, "artifact '" + std::string(id) + "' in the store at " +
                                               store.environment().path()));
  });
  return out;
}

std::vector<hit_count> all_hit_counters(const run_store& store) {
  std::vector<hit_count> out;
  detail::for_each_entry(store, layout::db::hit_counters, [&](std::string_view id, std::string_view value) {
    const auto [count, last] = layout::decode_hit_counter(value, id);
    out.push_back({std::string(id), count, last});
  });
  return out;
}

}  // namespace consist::inline v0
