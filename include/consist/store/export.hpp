#pragma once
// Exports of a store for other tools:
//   - provenance_document: a ConsistProvenanceDocument (Consist's LinkML
//     provenance schema, version 0.1.0), so Python Consist and its
//     downstream tools can read C++ runs. The ledger namespace is the store's
//     namespace UUID; the store path is only the (mutable) locator.
//   - write_runs_jsonl: one run record per line (record_codec.hpp's JSON),
//     oldest first, for DuckDB's read_json or pandas.read_json(lines=True).
// Optional slots are omitted rather than written empty. The schema accepts
// only UUIDs of versions 1 to 5 as artifact ids; an artifact whose id is not
// one is refused with an error naming it, never rewritten.

#include <consist/error.hpp>
#include <consist/record.hpp>
#include <consist/store/listing.hpp>
#include <consist/store/record_codec.hpp>
#include <consist/store/store.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace consist::inline v0 {

/// The version of Consist's provenance schema the export follows.
inline constexpr std::string_view provenance_schema_version = "0.1.0";

/// Whether `text` matches the provenance schema's UUID pattern: RFC 4122
/// text form, version 1 to 5, variant 10xx.
constexpr bool is_provenance_uuid(std::string_view text) noexcept {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  const char version = text[14], variant = text[19];
  return version >= '1' && version <= '5' &&
         (variant == '8' || variant == '9' || variant == 'a' || variant == 'b' || variant == 'A' ||
          variant == 'B');
}

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

/// The whole store as a ConsistProvenanceDocument: every run, every artifact
/// a run links, and one association per link (run, artifact, direction, and
/// the key the run used as binding_parameter).
inline boost::json::object provenance_document(const run_store& store) {
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

/// provenance_document as JSON text, followed by a newline.
inline void write_provenance(const run_store& store, std::ostream& out) {
  out << boost::json::serialize(provenance_document(store)) << '\n';
}

/// One run record per line, oldest first (then by id). Returns the number of runs.
inline std::size_t write_runs_jsonl(const run_store& store, std::ostream& out) {
  auto runs = all_runs(store);
  std::stable_sort(runs.begin(), runs.end(),
                   [](const run_record& a, const run_record& b) { return a.created_at < b.created_at; });
  for (const auto& r : runs) out << record_to_text(r) << '\n';
  return runs.size();
}

}  // namespace consist::inline v0
