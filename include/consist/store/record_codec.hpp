#pragma once
// run_record and artifact <-> JSON. The runs and artifacts databases store
// this JSON as text, and snapshots are the same objects, so one codec serves
// the store, the snapshots, Python and DuckDB.
//
// Conventions: every field is always written (absent optionals as null);
// times are ISO-8601 UTC strings with nanoseconds ("...T12:34:56.123456789Z"),
// readable by people, pandas and DuckDB without knowing an epoch; enums as
// their names ("completed", "output"); name -> digest lists as JSON objects
// in their original order. Decoding is strict: a missing or mistyped field,
// a bad enum or time, or an unknown field is an integrity_error naming the
// field and the source. It never trusts its input (it is fuzzed).
// One exception to "always written": "span_ranks" (an MPI run's spans over
// its ranks) is written only when it is not empty and read when present, so
// records without it, older ones included, keep their exact form.

#include <consist/detail/config.hpp>
#include <consist/detail/json_fields.hpp>
#include <consist/error.hpp>
#include <consist/record.hpp>

#include <boost/json/array.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace consist::inline v0 {

namespace detail {

CONSIST_DECL boost::json::array string_array(const std::vector<std::string>& v);
inline boost::json::value optional_int(const std::optional<std::int64_t>& v) {
  return v ? boost::json::value(*v) : boost::json::value(nullptr);
}

CONSIST_DECL boost::json::object identity_to_json(const identity_components& c);

CONSIST_DECL identity_components identity_from_json(const boost::json::value& v, std::string_view source);

/// Parses JSON text (depth-limited, no comments or trailing commas; strings
/// that are not UTF-8 are kept byte for byte, as the record writers write them).
CONSIST_DECL boost::json::value parse_json_text(std::string_view text, std::string_view source,
                                             boost::json::storage_ptr storage = {});

/// decode(document) over JSON text parsed into one arena, released when this
/// returns: one allocation for the document rather than one per object,
/// array and string. `decode` must copy out whatever it keeps.
template <class Decode>
auto decode_json_text(std::string_view text, std::string_view source, Decode&& decode) {
  alignas(std::max_align_t) unsigned char first_block[4096];
  boost::json::monotonic_resource arena(first_block, sizeof first_block);
  const boost::json::value doc = parse_json_text(text, source, &arena);
  return std::forward<Decode>(decode)(doc);
}

}  // namespace detail

CONSIST_DECL boost::json::object record_to_json(const run_record& r);

/// Decodes a record; `extra_keys` are top-level fields the caller reads itself.
CONSIST_DECL run_record record_from_json(const boost::json::value& v, std::string_view source,
                                         std::span<const std::string_view> extra_keys = {});

CONSIST_DECL boost::json::object artifact_to_json(const artifact& a);

CONSIST_DECL artifact artifact_from_json(const boost::json::value& v, std::string_view source, std::string path = "");

/// Compact JSON text, as the store keeps it: the text of record_to_json(r),
/// written without building that object.
CONSIST_DECL std::string record_to_text(const run_record& r);
CONSIST_DECL run_record record_from_text(std::string_view text, std::string_view source);
CONSIST_DECL std::string artifact_to_text(const artifact& a);
CONSIST_DECL artifact artifact_from_text(std::string_view text, std::string_view source);

}  // namespace consist::inline v0

#if CONSIST_INCLUDE_IMPL
#include <consist/store/impl/record_codec.ipp>
#endif
