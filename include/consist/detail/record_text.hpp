#pragma once
// A run record and an artifact as the store's JSON text, written directly
// (no boost::json object built first). The text is the same, byte for byte,
// as boost::json::serialize(record_to_json(r)) and
// boost::json::serialize(artifact_to_json(a)) (store/record_codec.hpp), which
// unit.record_text checks over many records, hostile strings included. The
// store writes records on every hit, so this is the writer's hot path.

#include <consist/detail/config.hpp>
#include <consist/record.hpp>

#include <string>

namespace consist::inline v0::detail {

/// Appends the record's JSON text to `out`.
CONSIST_DECL void write_record_text(const run_record& r, std::string& out);
/// Appends the artifact's JSON text to `out`.
CONSIST_DECL void write_artifact_text(const artifact& a, std::string& out);

}  // namespace consist::inline v0::detail

#if CONSIST_INCLUDE_IMPL
#include <consist/detail/impl/record_text.ipp>
#endif
