#pragma once
// The json_adapter's canonical encoding: a parsed Boost.JSON value (an input
// deck) -> identity bytes, so reformatting a deck never changes its identity
// and changing a value always does.
//   - it works on parsed values: whitespace, comments and key order vanish;
//     object entries are encoded in ascending key order;
//   - numbers are compared by value: int64 1, uint64 1 and double 1.0 encode
//     the same (json_integer: sign byte, u64 magnitude) and so do -0.0 and 0;
//     other doubles are json_real with canonical bits (one NaN);
//   - strings are exact bytes;
//   - arrays keep their order.
// Also: leaf paths and digests for miss explanations ("demand.alpha",
// "zones[3].pop"), and loading a deck with errors that say where it broke.

#include <consist/detail/config.hpp>
#include <consist/encode/canonical.hpp>
#include <consist/error.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/string.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace consist::inline v0 {

namespace detail {

struct json_integer_value {
  bool negative;
  std::uint64_t magnitude;
};

/// A JSON number as sign and magnitude when it is a whole number whose
/// magnitude fits in 64 bits, whatever its storage kind; nullopt otherwise.
inline std::optional<json_integer_value> json_integral(const boost::json::value& v) {
  if (v.is_int64()) {
    const std::int64_t i = v.get_int64();
    if (i < 0) return json_integer_value{true, std::uint64_t{0} - static_cast<std::uint64_t>(i)};
    return json_integer_value{false, static_cast<std::uint64_t>(i)};
  }
  if (v.is_uint64()) return json_integer_value{false, v.get_uint64()};
  const double d = v.get_double();
  if (!std::isfinite(d) || d != std::trunc(d) || std::fabs(d) >= 18446744073709551616.0) return std::nullopt;
  if (d == 0) return json_integer_value{false, 0};
  return json_integer_value{d < 0, static_cast<std::uint64_t>(std::fabs(d))};
}

/// How deeply arrays and objects may nest in a JSON config: a deck file's
/// parse stops past it, and json_adapter::describe refuses a deeper value
/// (the store reads a record back only to a bounded depth).
inline constexpr std::size_t json_max_depth = 256;

/// Whether `v` nests arrays and objects more than `limit` deep (it looks no
/// deeper than that).
inline bool json_deeper_than(const boost::json::value& v, std::size_t limit) {
  if (!v.is_array() && !v.is_object()) return false;
  if (limit == 0) return true;
  if (v.is_array()) {
    for (const auto& e : v.get_array())
      if (detail::json_deeper_than(e, limit - 1)) return true;
  } else {
    for (const auto& kv : v.get_object())
      if (detail::json_deeper_than(kv.value(), limit - 1)) return true;
  }
  return false;
}

inline std::string_view view_of(boost::json::string_view s) { return std::string_view(s.data(), s.size()); }

/// An object's entries in ascending key order.
inline std::vector<const boost::json::key_value_pair*> sorted_members(const boost::json::object& o) {
  std::vector<const boost::json::key_value_pair*> entries;
  entries.reserve(o.size());
  for (const auto& kv : o) entries.push_back(&kv);
  std::sort(entries.begin(), entries.end(),
            [](const auto* a, const auto* b) { return detail::view_of(a->key()) < detail::view_of(b->key()); });
  return entries;
}

}  // namespace detail

/// Writes the canonical encoding of a parsed JSON value.
template <byte_sink S>
void encode_json(S& sink, const boost::json::value& v) {
  using boost::json::kind;
  switch (v.kind()) {
    case kind::null:
      detail::put_tag(sink, type_tag::json_null);
      return;
    case kind::bool_:
      detail::put_tagged<1>(sink, type_tag::json_boolean, v.get_bool() ? 1 : 0);
      return;
    case kind::int64:
    case kind::uint64:
    case kind::double_:
      if (const auto i = detail::json_integral(v)) {
        detail::put_tagged<1>(sink, type_tag::json_integer, i->negative ? 1 : 0);
        detail::put_u64(sink, i->magnitude);
      } else {
        detail::put_tagged<8>(sink, type_tag::json_real, detail::canonical_bits(v.get_double()));
      }
      return;
    case kind::string:
      detail::put_tag(sink, type_tag::json_string);
      detail::put_text(sink, detail::view_of(v.get_string()));
      return;
    case kind::array:
      detail::put_tagged<8>(sink, type_tag::json_array, v.get_array().size());
      for (const auto& e : v.get_array()) consist::encode_json(sink, e);
      return;
    case kind::object:
      detail::put_tagged<8>(sink, type_tag::json_object, v.get_object().size());
      for (const auto* kv : detail::sorted_members(v.get_object())) {
        detail::put_text(sink, detail::view_of(kv->key()));
        consist::encode_json(sink, kv->value());
      }
      return;
  }
}

/// SipHash-2-4-128 (identity_key) of encode_json.
inline digest128 json_digest(const boost::json::value& v) {
  hash_sink h;
  consist::encode_json(h, v);
  return h.finish();
}

/// One digest per leaf (scalars, empty arrays and objects) with its path:
/// "demand.alpha", "zones[3].pop", `a["odd.key"]`; a scalar root is "$".
/// Sorted by path.
CONSIST_DECL std::vector<field_digest> json_field_digests(const boost::json::value& v);

/// Parses a JSON input deck. Comments, trailing commas and a leading UTF-8
/// byte order mark are accepted (they do not reach the identity); a number is the double it denotes, correctly
/// rounded (Boost.JSON's own parse may miss by a bit in the last place).
/// Throws identity_error when the file cannot be read and usage_error, with
/// line and column, when it is not valid JSON or gives a key twice in one
/// object.
CONSIST_DECL boost::json::value load_json_file(const std::filesystem::path& file);

}  // namespace consist::inline v0

#if CONSIST_INCLUDE_IMPL
#include <consist/encode/impl/json.ipp>
#endif
