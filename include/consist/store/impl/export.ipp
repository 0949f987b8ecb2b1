#pragma once
// Body of <consist/store/export.hpp>.

#include <consist/store/export.hpp>

#include <consist/error.hpp>
#include <consist/store/listing.hpp>
#include <consist/store/record_codec.hpp>

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace consist::inline v0 {

namespace detail {

inline boost::json::object run_reference(std::string_view run_id) { return {{"run_id", run_id}}; }

inline void put_if(boost::json::object& o, std::string_view key, const std::string& value) {
  if (!value.empty()) o[key] = value;
}

inline boost::json::object provenance_run(const run_record& r) {
  boost::json::object o = run_reference(r.id);
  put_if(o, "signature", r.signature);
  put_if(o, "model_name", r.model_name);
  if (!r.parent_run_id.empty()) o["parent_run"] = run_reference(r.parent_run_id);
  boost::json::object evidence;
  put_if(evidence, "config_hash", r.config_hash);
  put_if(evidence, "input_hash", r.input_hash);
  // The schema's git_hash is a revision: only a git code identity is one.
  if (r.identity.code_mode == "git") put_if(evidence, "git_hash", r.identity.code_version);
  if (!evidence.empty()) o["identity_evidence"] = std::move(evidence);
  return o;
}

inline void require_provenance_uuid(const run_store& store, const std::string& id, const std::string& what) {
  if (is_provenance_uuid(id)) return;
  const bool version_8 = id.size() == 36 && id[14] == '8';
  throw integrity_error(what + " has the id '" + id.substr(0, 40) + "', which the provenance schema 0.1.0 does not " +
                            "accept as a UUID (it requires RFC 4122 versions 1 to 5); store at '" +
                            store.environment().path() + "'",
                        version_8 ? "consist derives the ids of plain input files as name-based UUIDs hashed with "
                                    "SipHash and labelled version 8, which the schema's pattern predates"
                                  : "the store was edited, or written by another program",
                        "export with --format jsonl (it keeps every id as it is); a provenance export needs artifact "
                        "ids of UUID versions 1 to 5");
}

inline boost::json::object provenance_artifact(const run_store& store, const artifact& a) {
  require_provenance_uuid(store, a.id, "artifact '" + a.key + "'");
  boost::json::object o{{"artifact_id", a.id}};
  put_if(o, "artifact_key", a.key);
  put_if(o, "fingerprint", a.fingerprint);
  put_if(o, "fingerprint_strategy", a.fingerprint_strategy);
  if (!a.producing_run_id.empty()) o["producing_run"] = run_reference(a.producing_run_id);
  return o;
}

}  // namespace detail

boost::json::object provenance_document(const run_store& store) {
  auto runs = all_runs(store);
  std::stable_sort(runs.begin(), runs.end(),
                   [](const run_record& a, const run_record& b) { return a.created_at < b.created_at; });
  boost::json::array run_refs, artifact_refs, associations;
  std::map<std::string, const artifact*> linked;  // artifact id -> artifact (null: not in the store)
  const auto artifacts = all_artifacts(store);
  std::map<std::string_view, const artifact*> by_id;
  for (const auto& a : artifacts) by_id.emplace(a.id, &a);

  for (const auto& r : runs) {
    run_refs.emplace_back(detail::provenance_run(r));
    for (const auto& l : r.links) {
      detail::require_provenance_uuid(store, l.artifact_id, "artifact '" + l.key + "' of run '" + r.id + "'");
      const auto it = by_id.find(l.artifact_id);
      linked.emplace(l.artifact_id, it == by_id.end() ? nullptr : it->second);
      boost::json::object assoc{{"run", detail::run_reference(r.id)},
                                {"artifact", boost::json::object{{"artifact_id", l.artifact_id}}},
                                {"direction", to_string(l.direction)}};
      detail::put_if(assoc, "binding_parameter", l.key);
      associations.emplace_back(std::move(assoc));
    }
  }
  for (const auto& [id, a] : linked)
    if (a) artifact_refs.emplace_back(detail::provenance_artifact(store, *a));

  boost::json::object doc;
  doc["provenance_context"] = boost::json::object{{"namespace", store.namespace_uuid()},
                                                  {"locator", store.environment().path()}};
  doc["runs"] = std::move(run_refs);
  doc["artifacts"] = std::move(artifact_refs);
  doc["associations"] = std::move(associations);
  return doc;
}

void write_provenance(const run_store& store, std::ostream& out) {
  out << boost::json::serialize(provenance_document(store)) << '\n';
}

std::size_t write_runs_jsonl(const run_store& store, std::ostream& out) {
  auto runs = all_runs(store);
  std::stable_sort(runs.begin(), runs.end(),
                   [](const run_record& a, const run_record& b) { return a.created_at < b.created_at; });
  for (const auto& r : runs) out << record_to_text(r) << '\n';
  return runs.size();
}

}  // namespace consist::inline v0
