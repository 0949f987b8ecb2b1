#pragma once
// Body of <consist/detail/run_indexes.hpp>.

#include <consist/detail/run_indexes.hpp>
#include <consist/error.hpp>

#include <algorithm>

namespace consist::inline v0::detail {

run_index_entries index_entries_of(const run_record& r) {
  run_index_entries e;
  for (const auto& l : r.links) {
    e.run_artifacts.emplace_back(layout::run_artifact_key(r.id, l.direction, l.key), l.artifact_id);
    e.artifact_runs.emplace_back(layout::artifact_run_key(l.artifact_id, l.direction, r.id), l.key);
  }
  if (!r.parent_run_id.empty()) e.children.emplace_back(layout::pair_key(r.parent_run_id, r.id), "");
  for (const auto& tag : r.tags) e.tags.emplace_back(layout::pair_key(tag, r.id), "");
  e.model_time.emplace_back(layout::model_time_key(r.model_name, r.created_at, r.id),
                            std::string(1, layout::status_byte(r.status)));
  return e;
}

inline void replace_entries(lmdb::txn& t, lmdb::dbi db, const std::vector<run_index_entries::entry>* old,
                            const std::vector<run_index_entries::entry>& now) {
  if (old)
    for (const auto& o : *old)
      if (std::none_of(now.begin(), now.end(), [&](const auto& n) { return n.first == o.first; })) t.del(db, o.first);
  for (const auto& [key, value] : now) t.put(db, key, value);
}

void replace_index_entries(lmdb::txn& t, const store_dbis& db, const run_index_entries* old,
                           const run_index_entries& now) {
  replace_entries(t, db.run_artifacts, old ? &old->run_artifacts : nullptr, now.run_artifacts);
  replace_entries(t, db.artifact_runs, old ? &old->artifact_runs : nullptr, now.artifact_runs);
  replace_entries(t, db.children, old ? &old->children : nullptr, now.children);
  replace_entries(t, db.tags, old ? &old->tags : nullptr, now.tags);
  replace_entries(t, db.model_time, old ? &old->model_time : nullptr, now.model_time);
}

void validate_record_names(const run_record& r) {
  layout::validate_name(r.id, "run id");
  if (!r.parent_run_id.empty()) layout::validate_name(r.parent_run_id, "parent run id");
  layout::validate_name(r.model_name, "model name", true);
  for (const auto& tag : r.tags) layout::validate_name(tag, "tag");
  for (const auto& l : r.links) {
    if (l.run_id != r.id)
      throw usage_error("run '" + r.id + "' carries a link of run '" + l.run_id + "'",
                        "a record's links must all name the record itself",
                        "set artifact_link::run_id to the record's id");
    layout::validate_name(l.artifact_id, "artifact id");
    layout::validate_name(l.key, "artifact key");
  }
}

}  // namespace consist::inline v0::detail
