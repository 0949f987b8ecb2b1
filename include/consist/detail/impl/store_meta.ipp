#pragma once
// Body of <consist/detail/store_meta.hpp>.

#include <consist/detail/store_meta.hpp>

#include <consist/detail/json_fields.hpp>
#include <consist/detail/uuid.hpp>
#include <consist/store/layout.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <iterator>

namespace consist::inline v0::detail {

[[noreturn]] inline void foreign_store(const std::string& path, const std::string& what) {
  throw integrity_error("the LMDB environment at '" + path + "' is not a consist store (" + what + ")",
                        "the directory holds another application's LMDB data, or the store was damaged",
                        "give consist a directory of its own, or rebuild the store from the run snapshots");
}

void require_consist_main_db(const lmdb::txn& t, const std::string& path) {
  // Every name, and the first key that sorts before them (the signature
  // keys start with \0): skipping the index keeps an open quick.
  t.with_cursor(t.main_db(), [&](lmdb::cursor& c) {
    auto e = c.first();
    if (e && layout::signature_key::in_main_db(e->first)) e = c.seek(std::string_view("\x01", 1));
    for (; e; e = c.next()) {
      const auto& names = layout::all_databases;
      if (e->first != layout::db::signature_index &&
          std::none_of(names.begin(), names.end(), [&](const char* n) { return e->first == n; }))
        foreign_store(path, "it holds the key '" + std::string(e->first.substr(0, 60)) + "'");
    }
  });
}

std::optional<store_dbis> open_store_dbis(lmdb::txn& t, bool create) {
  store_dbis d;
  lmdb::dbi* slots[] = {&d.runs,     &d.artifacts,  &d.run_artifacts, &d.artifact_runs, &d.children,
                        &d.tags,     &d.model_time, &d.hit_counters,  &d.meta};
  static_assert(std::size(slots) == layout::all_databases.size());
  for (std::size_t i = 0; i < std::size(slots); ++i) {
    const auto h = t.open_dbi(layout::all_databases[i], create);
    if (!h) return std::nullopt;
    *slots[i] = *h;
  }
  // Never created: a store made by this build keeps the index in the main database.
  const auto format1 = t.open_dbi(layout::db::signature_index, false);
  d.signatures_in_main = !format1;
  d.signature_index = format1 ? *format1 : t.main_db();
  return d;
}

/// Whether the store holds any signature index entry.
inline bool has_signatures(const lmdb::txn& t, const store_dbis& db) {
  if (!db.signatures_in_main) return t.entries(db.signature_index) != 0;
  return t.with_cursor(db.signature_index, [](lmdb::cursor& c) {
    const auto e = c.first();
    return e && layout::signature_key::in_main_db(e->first);
  });
}

std::string check_meta(lmdb::txn& t, const store_dbis& db, const std::string& path, bool may_create) {
  const auto app = t.get(db.meta, "application");
  if (!app) {
    const lmdb::dbi all[] = {db.runs,     db.artifacts,  db.run_artifacts, db.artifact_runs, db.children,
                             db.tags,     db.model_time, db.hit_counters,  db.meta};
    const bool empty = std::all_of(std::begin(all), std::end(all), [&](lmdb::dbi d) { return t.entries(d) == 0; }) &&
                       !has_signatures(t, db);
    if (!empty) foreign_store(path, "its meta record is missing");
    if (!may_create)
      throw store_error("the store at '" + path + "' was never initialised",
                        "it was created but its first write did not finish",
                        "open it once without read_only to initialise it");
    const std::string uuid = random_uuid();
    t.put(db.meta, "application", layout::application);
    t.put(db.meta, "format_version", std::to_string(layout::format_version));
    t.put(db.meta, "namespace_uuid", uuid);
    t.put(db.meta, "created_at",
          format_timestamp(std::chrono::time_point_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now())));
    return uuid;
  }
  if (*app != layout::application) foreign_store(path, "its meta record names '" + std::string(app->substr(0, 40)) + "'");
  const auto version_text = t.get(db.meta, "format_version").value_or("");
  std::uint32_t version = 0;
  const auto [end, ec] = std::from_chars(version_text.data(), version_text.data() + version_text.size(), version);
  if (ec != std::errc{} || end != version_text.data() + version_text.size() || version == 0)
    foreign_store(path, "its format_version is not a number");
  if (version > layout::format_version)
    throw integrity_error("this store was written by a newer consist (store format " + std::to_string(version) +
                              "; this build reads format " + std::to_string(layout::format_version) + " at most)",
                          "a newer consist created or upgraded the store at '" + path + "'",
                          "use that newer consist, or give this one another store directory");
  if (version == 1 && db.signatures_in_main)
    throw integrity_error("the store at '" + path + "' (format 1) lacks its signature_index database",
                          "it was damaged, or written by another program",
                          "rebuild the store from the run snapshots");
  if (version >= 2 && !db.signatures_in_main)
    foreign_store(path, "a format-" + std::to_string(version) + " store with a signature_index database");
  const auto uuid = std::string(t.get(db.meta, "namespace_uuid").value_or(""));
  if (!parse_uuid(uuid)) foreign_store(path, "its namespace_uuid is not a UUID");
  return uuid;
}

}  // namespace consist::inline v0::detail
