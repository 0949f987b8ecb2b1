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

#include <consist/detail/config.hpp>
#include <consist/record.hpp>
#include <consist/store/store.hpp>

#include <boost/json/object.hpp>

#include <cstddef>
#include <iosfwd>
#include <string_view>

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

/// The whole store as a ConsistProvenanceDocument: every run, every artifact
/// a run links, and one association per link (run, artifact, direction, and
/// the key the run used as binding_parameter).
CONSIST_DECL boost::json::object provenance_document(const run_store& store);

/// provenance_document as JSON text, followed by a newline.
CONSIST_DECL void write_provenance(const run_store& store, std::ostream& out);

/// One run record per line, oldest first (then by id). Returns the number of runs.
CONSIST_DECL std::size_t write_runs_jsonl(const run_store& store, std::ostream& out);

}  // namespace consist::inline v0

#if CONSIST_INCLUDE_IMPL
#include <consist/store/impl/export.ipp>
#endif
