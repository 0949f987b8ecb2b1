#pragma once
// One walker over values for both encodings:
//   canonical  identity bytes: floats canonicalised (-0.0 == 0.0, one NaN),
//              set and map entries sorted by their encoded bytes, custom
//              types through consist_encode.
//   faithful   serialization bytes: float bits kept, iteration order kept,
//              custom types through consist_serialize.
// Layout per kind (after its tag):
//   bool, integers, floats   the value in its own width, little-endian
//   enum                     the underlying value, encoded with its own tag
//   string, path             text (u64 length + bytes); a path's generic form
//   optional                 u64 element schema hash, 1 byte present, value
//   vector, array, set       u64 element schema hash, u64 count, elements
//   map                      u64 key and mapped schema hashes, u64 count,
//                            then key, value for each entry
//   tuple, pair              u64 count, elements
//   struct                   u64 count, then per field by name: text name, value
//   custom                   u64 schema hash, the bytes the user's function writes
// The element schema hashes make an empty vector<int> differ from an empty
// vector<double>: identity changes whenever the type does.

#include <consist/detail/encode_schema.hpp>
#include <consist/encode/canonical.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <span>
#include <tuple>
#include <type_traits>
#include <vector>

namespace consist::inline v0::detail {

enum class encoding_mode { canonical, faithful };

template <encoding_mode M, byte_sink S, class T>
void write_value(S& s, const T& v);

/// The entries of `bytes` (entry i ends at ends[i]) in ascending byte order.
/// Not a template, and sorted with qsort: sorting costs nothing to compile
/// per container or sink type. Equal entries are identical bytes, so the
/// sort need not be stable.
inline std::vector<std::span<const std::uint8_t>> sorted_entries(const std::vector<std::uint8_t>& bytes,
                                                                  const std::vector<std::size_t>& ends) {
  std::vector<std::span<const std::uint8_t>> entries;
  entries.reserve(ends.size());
  std::size_t begin = 0;
  for (std::size_t end : ends) {
    entries.emplace_back(bytes.data() + begin, end - begin);
    begin = end;
  }
  if (entries.size() > 1) {
    std::qsort(entries.data(), entries.size(), sizeof(entries[0]), [](const void* x, const void* y) {
      const auto& a = *static_cast<const std::span<const std::uint8_t>*>(x);
      const auto& b = *static_cast<const std::span<const std::uint8_t>*>(y);
      const int c = std::memcmp(a.data(), b.data(), std::min(a.size(), b.size()));
      if (c != 0) return c;
      return a.size() < b.size() ? -1 : a.size() > b.size() ? 1 : 0;
    });
  }
  return entries;
}

/// Writes each entry; canonically in ascending order of the entries' encoded
/// bytes, so that insertion order and hashing never reach the identity.
/// Encodings are prefix-free, so comparing whole entries orders maps by key
/// first (and by value only for keys whose encodings coincide, such as -0.0
/// and 0.0 in an unordered_map).
template <encoding_mode M, byte_sink S, class Range, class EncodeEntry>
void write_entries(S& s, const Range& range, EncodeEntry encode_entry) {
  if constexpr (M == encoding_mode::faithful) {
    for (const auto& e : range) encode_entry(s, e);
  } else {
    std::vector<std::uint8_t> bytes;
    std::vector<std::size_t> ends;
    ends.reserve(range.size());
    buffer_sink b(bytes);
    for (const auto& e : range) {
      encode_entry(b, e);
      ends.push_back(bytes.size());
    }
    for (const auto& e : detail::sorted_entries(bytes, ends)) s.write(e);
  }
}

/// The elements of a sequence of one-byte integers (digests, byte buffers):
/// the bytes write_value gives each element (tag, value), batched into few
/// writes.
template <byte_sink S, class Range>
void write_byte_elements(S& s, type_tag tag, const Range& v) {
  constexpr std::size_t chunk = 64;
  std::array<std::uint8_t, 2 * chunk> buf{};
  const auto* p = v.data();
  for (std::size_t left = v.size(); left != 0;) {
    const std::size_t n = std::min(left, chunk);
    for (std::size_t i = 0; i < n; ++i) {
      buf[2 * i] = static_cast<std::uint8_t>(tag);
      buf[2 * i + 1] = static_cast<std::uint8_t>(p[i]);
    }
    s.write(std::span<const std::uint8_t>(buf.data(), 2 * n));
    p += n;
    left -= n;
  }
}

template <encoding_mode M, byte_sink S, class T>
void write_value(S& s, const T& v) {
  using U = std::remove_cv_t<T>;
  using enum value_kind;
  constexpr value_kind k = kind_v<U>;
  if constexpr (k == boolean) {
    detail::put_tagged<1>(s, type_tag::boolean, v ? 1 : 0);
  } else if constexpr (k == integer) {
    const auto bits = static_cast<std::make_unsigned_t<U>>(v);  // two's complement bits, then zero-extended
    detail::put_tagged<sizeof(U)>(s, scalar_tag<U>(), static_cast<std::uint64_t>(bits));
  } else if constexpr (k == floating) {
    using bits_type = std::conditional_t<sizeof(U) == 4, std::uint32_t, std::uint64_t>;
    const bits_type bits = M == encoding_mode::canonical ? detail::canonical_bits(v) : std::bit_cast<bits_type>(v);
    detail::put_tagged<sizeof(U)>(s, scalar_tag<U>(), bits);
  } else if constexpr (k == string || k == string_view) {
    detail::put_tag(s, type_tag::string);
    detail::put_text(s, v);
  } else if constexpr (k == value_kind::path) {
    detail::put_tag(s, type_tag::path);
    // Where '/' is the separator the native form is the generic form: no copy.
    if constexpr (std::filesystem::path::preferred_separator == '/') detail::put_text(s, v.native());
    else detail::put_text(s, v.generic_string());
  } else if constexpr (k == enumeration) {
    detail::put_tag(s, type_tag::enumeration);
    detail::write_value<M>(s, static_cast<std::underlying_type_t<U>>(v));
  } else if constexpr (k == value_kind::optional) {
    detail::put_tagged<8>(s, type_tag::optional, schema_hash_v<typename U::value_type>);
    const std::uint8_t present = v.has_value() ? 1 : 0;
    s.write(std::span<const std::uint8_t>(&present, 1));
    if (v) detail::write_value<M>(s, *v);
  } else if constexpr (k == value_kind::vector || k == value_kind::array) {
    detail::put_tagged<8>(s, k == value_kind::vector ? type_tag::vector : type_tag::array,
                  schema_hash_v<typename U::value_type>);
    detail::put_u64(s, v.size());
    using E = std::remove_cv_t<typename U::value_type>;
    if constexpr (kind_v<E> == integer && sizeof(E) == 1) detail::write_byte_elements(s, scalar_tag<E>(), v);
    else for (const auto& e : v) detail::write_value<M>(s, e);
  } else if constexpr (k == value_kind::set) {
    detail::put_tagged<8>(s, type_tag::set, schema_hash_v<typename U::value_type>);
    detail::put_u64(s, v.size());
    detail::write_entries<M>(s, v, [](auto& sink, const auto& e) { detail::write_value<M>(sink, e); });
  } else if constexpr (k == value_kind::map) {
    detail::put_tagged<8>(s, type_tag::map, schema_hash_v<typename U::key_type>);
    detail::put_u64(s, schema_hash_v<typename U::mapped_type>);
    detail::put_u64(s, v.size());
    detail::write_entries<M>(s, v, [](auto& sink, const auto& e) {
      detail::write_value<M>(sink, e.first);
      detail::write_value<M>(sink, e.second);
    });
  } else if constexpr (k == value_kind::tuple) {
    detail::put_tagged<8>(s, type_tag::tuple, std::tuple_size_v<U>);
    std::apply([&](const auto&... e) { (detail::write_value<M>(s, e), ...); }, v);
  } else if constexpr (k == structure) {
    detail::put_tagged<8>(s, type_tag::structure, struct_fields<U>::size);
    for_each_field_by_name<U>([&](auto i) {
      constexpr std::size_t index = decltype(i)::value;
      s.write(std::span<const std::uint8_t>(field_name_bytes<U, index>));
      detail::write_value<M>(s, struct_fields<U>::template get<index>(v));
    });
  } else if constexpr (k == custom) {
    detail::put_tagged<8>(s, type_tag::custom, schema_hash_v<U>);
    if constexpr (M == encoding_mode::canonical) consist_encode(s, v);
    else consist_serialize(s, v);
  } else {
    static_assert(dependent_false<U>, "consist: write_value reached a type that is not encodable");
  }
}

}  // namespace consist::inline v0::detail
