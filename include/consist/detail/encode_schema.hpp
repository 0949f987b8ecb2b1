#pragma once
// The schema of a type: its shape without values (field names sorted, type
// tags, element types, array extents, custom schema names), written to a
// constexpr sink so that its hash is a compile-time constant.
//
//   scalar        tag
//   enum          enumeration tag, underlying scalar tag
//   optional, vector, set            tag, element schema
//   array         tag, u64 extent, element schema
//   map           tag, key schema, mapped schema
//   tuple, pair   tag, u64 count, element schemas
//   struct        tag, u64 count, then per field by name: text name, schema
//   custom        tag, text of consist_schema(type_t<T>{})

#include <consist/detail/encode_traits.hpp>

#include <cstdint>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

namespace consist::inline v0::detail {

template <class T, byte_sink S>
constexpr void write_schema(S& s) {
  using U = std::remove_cvref_t<T>;
  using enum value_kind;
  constexpr value_kind k = kind_v<U>;
  if constexpr (k == boolean || k == integer || k == floating) {
    detail::put_tag(s, scalar_tag<U>());
  } else if constexpr (k == string || k == string_view) {
    detail::put_tag(s, type_tag::string);
  } else if constexpr (k == value_kind::path) {
    detail::put_tag(s, type_tag::path);
  } else if constexpr (k == enumeration) {
    detail::put_tag(s, type_tag::enumeration);
    detail::write_schema<std::underlying_type_t<U>>(s);
  } else if constexpr (k == value_kind::optional || k == value_kind::vector || k == value_kind::set) {
    detail::put_tag(s, k == value_kind::optional ? type_tag::optional
               : k == value_kind::vector ? type_tag::vector
                                         : type_tag::set);
    detail::write_schema<typename U::value_type>(s);
  } else if constexpr (k == value_kind::array) {
    detail::put_tag(s, type_tag::array);
    detail::put_u64(s, std::tuple_size_v<U>);
    detail::write_schema<typename U::value_type>(s);
  } else if constexpr (k == value_kind::map) {
    detail::put_tag(s, type_tag::map);
    detail::write_schema<typename U::key_type>(s);
    detail::write_schema<typename U::mapped_type>(s);
  } else if constexpr (k == value_kind::tuple) {
    detail::put_tag(s, type_tag::tuple);
    detail::put_u64(s, std::tuple_size_v<U>);
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (detail::write_schema<std::tuple_element_t<I, U>>(s), ...);
    }(std::make_index_sequence<std::tuple_size_v<U>>{});
  } else if constexpr (k == structure) {
    detail::put_tag(s, type_tag::structure);
    detail::put_u64(s, struct_fields<U>::size);
    for_each_field_by_name<U>([&](auto i) {
      detail::put_text(s, struct_fields<U>::names[decltype(i)::value]);
      detail::write_schema<typename struct_fields<U>::template member_type<decltype(i)::value>>(s);
    });
  } else if constexpr (k == custom) {
    detail::put_tag(s, type_tag::custom);
    detail::put_text(s, std::string_view(consist_schema(type_t<U>{})));
  } else {
    static_assert(dependent_false<U>, "consist: write_schema reached a type that is not encodable");
  }
}

/// SipHash-2-4-64 (identity_key) of the schema of T; a constant expression.
template <class T>
inline constexpr std::uint64_t schema_hash_v = [] {
  schema_sink s;
  detail::write_schema<T>(s);
  return s.finish();
}();

}  // namespace consist::inline v0::detail
