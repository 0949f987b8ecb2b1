#pragma once
// A run record and an artifact as the store's JSON text, written directly
// (no boost::json object built first). The text is the same, byte for byte,
// as boost::json::serialize(record_to_json(r)) and
// boost::json::serialize(artifact_to_json(a)) (store/record_codec.hpp), which
// unit.record_text checks over many records, hostile strings included. The
// store writes records on every hit, so this is the writer's hot path.
//
// The pieces are also offered on a json_writer, so a larger document that
// holds a record (a snapshot: the record's members, then its own) is written
// the same way.

#include <consist/detail/config.hpp>
#include <consist/detail/json_writer.hpp>
#include <consist/record.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace consist::inline v0::detail {

/// Appends the record's JSON text to `out`.
CONSIST_DECL void write_record_text(const run_record& r, std::string& out);
/// Appends the artifact's JSON text to `out`.
CONSIST_DECL void write_artifact_text(const artifact& a, std::string& out);

/// Writes the record's members, in record_to_json's order, into the object
/// open in `w`; the caller opens the object, may add members after them,
/// and closes it.
CONSIST_DECL void write_record_members(json_writer& w, const run_record& r);
/// Writes the artifact's object as the next value of `w`.
CONSIST_DECL void write_artifact(json_writer& w, const artifact& a);
/// Writes the member `key` whose value is an object of name -> value pairs.
/// A repeated name is written once, with its last value in the place of its
/// first, as boost::json::object's operator[] keeps it.
CONSIST_DECL void write_string_map(json_writer& w, std::string_view key,
                                   const std::vector<std::pair<std::string, std::string>>& v);

}  // namespace consist::inline v0::detail

#if CONSIST_INCLUDE_IMPL
#include <consist/detail/impl/record_text.ipp>
#endif
