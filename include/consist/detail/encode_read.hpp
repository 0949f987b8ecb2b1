#pragma once
// The inverse of the faithful walker in encode_write.hpp: rebuilds a value from
// its bytes. Every tag, schema hash, count, field name and flag is checked;
// anything unexpected throws integrity_error through byte_reader::fail. Counts
// are bounded by the bytes that remain (byte_reader::count), so hostile input
// cannot make it allocate more than a small multiple of its own size, and the
// recursion depth is fixed by the type, not by the input.

#include <consist/detail/encode_schema.hpp>
#include <consist/encode/canonical.hpp>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

namespace consist::inline v0::detail {

inline void expect_schema(byte_reader& r, std::uint64_t expected) {
  const std::size_t at = r.offset();
  if (r.u64() != expected)
    byte_reader::fail("the element type recorded at byte " + std::to_string(at) +
                      " differs from the type being restored");
}

inline std::string read_text(byte_reader& r) {
  const auto bytes = r.take(r.count());
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

template <class T>
T read_value(byte_reader& r);

template <class U, class Insert>
void read_entries(byte_reader& r, U& out, std::size_t min_entry_bytes, Insert insert) {
  const std::size_t n = r.count(min_entry_bytes);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t at = r.offset();
    if (!insert(out)) byte_reader::fail("a duplicate key at byte " + std::to_string(at));
  }
}

template <class T>
T read_value(byte_reader& r) {
  using U = std::remove_cv_t<T>;
  using enum value_kind;
  constexpr value_kind k = kind_v<U>;
  if constexpr (k == boolean) {
    r.expect_tag(type_tag::boolean);
    const std::uint8_t b = r.byte();
    if (b > 1)
      byte_reader::fail("a bool stored as " + std::to_string(b) + " at byte " + std::to_string(r.offset() - 1));
    return b == 1;
  } else if constexpr (k == integer) {
    r.expect_tag(scalar_tag<U>());
    return static_cast<U>(static_cast<std::make_unsigned_t<U>>(r.little_endian<sizeof(U)>()));
  } else if constexpr (k == floating) {
    r.expect_tag(scalar_tag<U>());
    using bits_type = std::conditional_t<sizeof(U) == 4, std::uint32_t, std::uint64_t>;
    return std::bit_cast<U>(static_cast<bits_type>(r.little_endian<sizeof(U)>()));
  } else if constexpr (k == string) {
    r.expect_tag(type_tag::string);
    return detail::read_text(r);
  } else if constexpr (k == value_kind::path) {
    r.expect_tag(type_tag::path);
    return std::filesystem::path(detail::read_text(r));
  } else if constexpr (k == enumeration) {
    r.expect_tag(type_tag::enumeration);
    return static_cast<U>(detail::read_value<std::underlying_type_t<U>>(r));
  } else if constexpr (k == value_kind::optional) {
    r.expect_tag(type_tag::optional);
    detail::expect_schema(r, schema_hash_v<typename U::value_type>);
    const std::uint8_t present = r.byte();
    if (present > 1) byte_reader::fail("an optional's presence flag is " + std::to_string(present));
    U out;
    if (present == 1) out.emplace(detail::read_value<typename U::value_type>(r));
    return out;
  } else if constexpr (k == value_kind::vector) {
    using E = typename U::value_type;
    r.expect_tag(type_tag::vector);
    detail::expect_schema(r, schema_hash_v<E>);
    const std::size_t n = r.count(min_encoded_size<E>());
    U out;
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) out.push_back(detail::read_value<E>(r));
    return out;
  } else if constexpr (k == value_kind::array) {
    using E = typename U::value_type;
    r.expect_tag(type_tag::array);
    detail::expect_schema(r, schema_hash_v<E>);
    const std::size_t at = r.offset();
    if (r.u64() != std::tuple_size_v<U>)
      byte_reader::fail("the array extent at byte " + std::to_string(at) + " differs from the type's");
    U out{};
    for (auto& e : out) e = detail::read_value<E>(r);
    return out;
  } else if constexpr (k == value_kind::set) {
    using E = typename U::value_type;
    r.expect_tag(type_tag::set);
    detail::expect_schema(r, schema_hash_v<E>);
    U out;
    detail::read_entries(r, out, min_encoded_size<E>(),
                         [&](U& o) { return o.insert(detail::read_value<E>(r)).second; });
    return out;
  } else if constexpr (k == value_kind::map) {
    using K = typename U::key_type;
    using V = typename U::mapped_type;
    r.expect_tag(type_tag::map);
    detail::expect_schema(r, schema_hash_v<K>);
    detail::expect_schema(r, schema_hash_v<V>);
    U out;
    detail::read_entries(r, out, min_encoded_size<K>() + min_encoded_size<V>(), [&](U& o) {
      K key = detail::read_value<K>(r);
      V value = detail::read_value<V>(r);
      return o.emplace(std::move(key), std::move(value)).second;
    });
    return out;
  } else if constexpr (k == value_kind::tuple) {
    r.expect_tag(type_tag::tuple);
    const std::size_t at = r.offset();
    if (r.u64() != std::tuple_size_v<U>)
      byte_reader::fail("the tuple size at byte " + std::to_string(at) + " differs from the type's");
    // Braced initialisation reads the elements in order.
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      return U{detail::read_value<std::tuple_element_t<I, U>>(r)...};
    }(std::make_index_sequence<std::tuple_size_v<U>>{});
  } else if constexpr (k == structure) {
    r.expect_tag(type_tag::structure);
    const std::size_t at = r.offset();
    if (r.u64() != struct_fields<U>::size)
      byte_reader::fail("the field count at byte " + std::to_string(at) + " differs from the struct's");
    U out{};
    for_each_field_by_name<U>([&](auto i) {
      constexpr std::size_t index = decltype(i)::value;
      const std::size_t name_at = r.offset();
      const auto name = r.take(r.count());
      if (std::string_view(reinterpret_cast<const char*>(name.data()), name.size()) != struct_fields<U>::names[index])
        byte_reader::fail("the field name at byte " + std::to_string(name_at) + " is not '" +
                          std::string(struct_fields<U>::names[index]) + "'");
      using member = typename struct_fields<U>::template member_type<index>;
      struct_fields<U>::template get<index>(out) = detail::read_value<member>(r);
    });
    return out;
  } else if constexpr (k == custom) {
    r.expect_tag(type_tag::custom);
    detail::expect_schema(r, schema_hash_v<U>);
    return consist_deserialize(type_t<U>{}, r);
  } else {
    static_assert(dependent_false<U>, "consist: read_value reached a type that is not serializable");
  }
}

}  // namespace consist::inline v0::detail
