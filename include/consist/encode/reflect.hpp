#pragma once
// The reflect adapter's encoding: any supported value -> canonical identity
// bytes, its digest, its compile-time schema hash, and per-field digests.
//
// Supported (`consist::encodable`): bool; every integer width (signed and
// unsigned; char, char8_t, char16_t, char32_t, wchar_t each their own tag);
// float, double; std::string, std::string_view; enums (underlying value, tagged
// as an enum); std::filesystem::path (generic string); std::vector, std::array,
// std::set, std::unordered_set, std::map, std::unordered_map, std::optional,
// std::pair, std::tuple of supported types; structs reflected with
// BOOST_HANA_DEFINE_STRUCT or BOOST_HANA_ADAPT_STRUCT that name all of the
// struct (no member outside the macro, no base class: checked for aggregates,
// trusted for classes with constructors); and user types that use the
// customization point below. (A struct adapted with BOOST_HANA_ADAPT_ADT is
// encodable; it is serializable only when its accessors return references to
// the members, since a value is restored by assigning to them.)
//
// Identity rules: struct fields are (name, value) pairs in name order, so
// declaration order does not matter and renaming does; every value carries its
// type tag, so int 1 and double 1.0 differ; -0.0 encodes as 0.0 and every NaN
// the same; set and map entries are sorted by their encoded bytes, so
// insertion order does not matter (map and unordered_map with equal contents
// encode the same, as do set and unordered_set); an empty optional and an
// empty vector differ.
//
// Customization point, for a type that cannot be reflected (private members,
// invariants, a third-party type). Write these next to the type, in its own
// namespace; argument-dependent lookup finds them, the type needs no base
// class and no macro:
//
//   namespace geo {
//   class point { ... double x() const; double y() const; point(double, double); };
//
//   // identity (required): write each part with consist::encode
//   void consist_encode(consist::byte_sink auto& sink, const point& p) {
//     consist::encode(sink, p.x());
//     consist::encode(sink, p.y());
//   }
//   // schema (required, constexpr): a name to change whenever consist_encode does
//   constexpr std::string_view consist_schema(consist::type_t<point>) { return "geo::point/1"; }
//
//   // faithful round trip (optional; needed to cache a point as a return value)
//   void consist_serialize(consist::byte_sink auto& sink, const point& p) {
//     consist::serialize_into(sink, p.x());
//     consist::serialize_into(sink, p.y());
//   }
//   point consist_deserialize(consist::type_t<point>, consist::byte_reader& r) {
//     const double x = consist::deserialize_from<double>(r);
//     return point(x, consist::deserialize_from<double>(r));
//   }
//   // JSON snapshot form (optional; see encode/to_json.hpp)
//   boost::json::value consist_to_json(const point& p) { return {p.x(), p.y()}; }
//   }
//
// A type with these functions is encoded through them even if it is also
// reflected. Writing parts with consist::encode / serialize_into keeps the
// encoding self-delimiting; do not write raw bytes of variable length.

#include <consist/detail/encode_support.hpp>
#include <consist/detail/encode_schema.hpp>
#include <consist/detail/encode_write.hpp>
#include <consist/encode/canonical.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

namespace consist::inline v0 {

/// True for the value types listed at the top of this header.
template <class T>
concept encodable = detail::supports<detail::encode_policy, T>();

/// Writes the canonical identity encoding of `value`. A type that cannot be
/// encoded is a compile error naming it and saying how to adapt it.
template <byte_sink S, class T>
void encode(S& sink, const T& value) {
  if constexpr (encodable<T>) detail::write_value<detail::encoding_mode::canonical>(sink, value);
  else detail::diagnose<detail::encode_policy, T>();
}

/// The canonical identity encoding as bytes (what digest() hashes).
template <class T>
std::vector<std::uint8_t> canonical_bytes(const T& value) {
  std::vector<std::uint8_t> out;
  buffer_sink sink(out);
  consist::encode(sink, value);
  return out;
}

/// SipHash-2-4-128 (identity_key) of the canonical encoding.
template <class T>
digest128 digest(const T& value) {
  hash_sink h;
  consist::encode(h, value);
  return h.finish();
}

/// SipHash-2-4-64 (identity_key) of T's schema: field names sorted, type tags,
/// element types, recursively. A constant expression:
///   static_assert(consist::schema_hash<Config>() != 0);
template <class T>
constexpr std::uint64_t schema_hash() {
  if constexpr (encodable<T>) {
    return detail::schema_hash_v<std::remove_cvref_t<T>>;
  } else {
    detail::diagnose<detail::encode_policy, T>();
    return 0;
  }
}

namespace detail {

template <class T>
void collect_field_digests(std::vector<field_digest>& out, const std::string& path, const T& value) {
  if constexpr (kind_v<T> == value_kind::structure) {
    for_each_field_declared<T>([&](auto i) {
      constexpr std::size_t index = decltype(i)::value;
      const std::string_view name = struct_fields<T>::names[index];
      detail::collect_field_digests(out, path.empty() ? std::string(name) : path + "." + std::string(name),
                            struct_fields<T>::template get<index>(value));
    });
  } else {
    out.push_back({path.empty() ? std::string("$") : path, consist::digest(value)});
  }
}

}  // namespace detail

/// One digest per leaf field of a reflected struct, nested reflected structs
/// flattened with dotted paths ("demand.alpha"); containers, optionals and
/// custom types are leaves. Sorted by path. A value that is not a reflected
/// struct is one leaf, "$".
template <class T>
std::vector<field_digest> field_digests(const T& value) {
  std::vector<field_digest> out;
  if constexpr (encodable<T>) {
    detail::collect_field_digests(out, std::string(), value);
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  } else {
    detail::diagnose<detail::encode_policy, T>();
  }
  return out;
}

}  // namespace consist::inline v0
