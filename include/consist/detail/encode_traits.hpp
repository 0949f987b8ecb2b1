#pragma once
// What kind of value a type is, for the encoders: one classification that the
// identity encoder, the schema, serialization and to_json all switch on, so
// they cannot disagree about which types are supported.

#include <consist/detail/encode_fields.hpp>
#include <consist/encode/canonical.hpp>

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace consist::inline v0::detail {

template <class...>
inline constexpr bool dependent_false = false;

enum class value_kind {
  unsupported,
  boolean,
  integer,
  floating,
  string,
  string_view,
  path,
  enumeration,
  optional,
  vector,
  array,
  set,
  map,
  tuple,
  structure,
  custom,
};

template <class T, template <class...> class Template>
inline constexpr bool is_specialization_v = false;
template <template <class...> class Template, class... Args>
inline constexpr bool is_specialization_v<Template<Args...>, Template> = true;

template <class T>
inline constexpr bool is_std_array_v = false;
template <class E, std::size_t N>
inline constexpr bool is_std_array_v<std::array<E, N>> = true;

// The customization point (documented in encode/reflect.hpp), found by
// argument-dependent lookup next to the user's type.
template <class T>
concept has_consist_encode = requires(buffer_sink& s, const T& v) { consist_encode(s, v); };
template <class T>
concept has_consist_schema = requires {
  { consist_schema(type_t<T>{}) } -> std::convertible_to<std::string_view>;
};
template <class T>
concept has_consist_serialize = requires(buffer_sink& s, const T& v) { consist_serialize(s, v); };
template <class T>
concept has_consist_deserialize = requires(byte_reader& r) {
  { consist_deserialize(type_t<T>{}, r) } -> std::same_as<T>;
};
template <class T>
concept has_consist_to_json = requires(const T& v) { consist_to_json(v); };

template <class T>
constexpr value_kind kind_of() {
  using enum value_kind;
  if constexpr (has_consist_encode<T> || has_consist_schema<T> || has_consist_serialize<T>)
    return custom;  // explicit beats reflection
  else if constexpr (std::is_same_v<T, bool>)
    return boolean;
  else if constexpr (std::is_integral_v<T>)
    return sizeof(T) <= 8 ? integer : unsupported;
  else if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>)
    return std::numeric_limits<T>::is_iec559 ? floating : unsupported;
  else if constexpr (std::is_enum_v<T>)
    return enumeration;
  else if constexpr (std::is_same_v<T, std::string>)
    return string;
  else if constexpr (std::is_same_v<T, std::string_view>)
    return string_view;
  else if constexpr (std::is_same_v<T, std::filesystem::path>)
    return path;
  else if constexpr (is_specialization_v<T, std::optional>)
    return optional;
  else if constexpr (is_specialization_v<T, std::vector>)
    return vector;
  else if constexpr (is_std_array_v<T>)
    return array;
  else if constexpr (is_specialization_v<T, std::set> || is_specialization_v<T, std::unordered_set>)
    return set;
  else if constexpr (is_specialization_v<T, std::map> || is_specialization_v<T, std::unordered_map>)
    return map;
  else if constexpr (is_specialization_v<T, std::tuple> || is_specialization_v<T, std::pair>)
    return tuple;
  else if constexpr (reflected_struct<T>)
    return structure;
  else
    return unsupported;
}

template <class T>
inline constexpr value_kind kind_v = kind_of<std::remove_cv_t<T>>();

/// The tag of a bool, integer or floating-point type (by width and signedness,
/// so `long` and `long long` of the same width agree; character types apart).
template <class T>
constexpr type_tag scalar_tag() {
  using enum type_tag;
  if constexpr (std::is_same_v<T, bool>) return boolean;
  else if constexpr (std::is_same_v<T, char>) return character;
  else if constexpr (std::is_same_v<T, char8_t>) return char8;
  else if constexpr (std::is_same_v<T, char16_t>) return char16;
  else if constexpr (std::is_same_v<T, char32_t>) return char32;
  else if constexpr (std::is_same_v<T, wchar_t>) return wide_char;
  else if constexpr (std::is_same_v<T, float>) return float32;
  else if constexpr (std::is_same_v<T, double>) return float64;
  else if constexpr (std::is_signed_v<T>)
    return sizeof(T) == 1 ? int8 : sizeof(T) == 2 ? int16 : sizeof(T) == 4 ? int32 : int64;
  else
    return sizeof(T) == 1 ? uint8 : sizeof(T) == 2 ? uint16 : sizeof(T) == 4 ? uint32 : uint64;
}

template <class T>
constexpr bool is_container_kind() {
  constexpr value_kind k = kind_v<T>;
  return k == value_kind::optional || k == value_kind::vector || k == value_kind::array || k == value_kind::set;
}

/// Pred(type_t<E>) for each element type of a tuple or pair.
template <class T, class Pred>
constexpr bool all_tuple_elements(Pred pred) {
  return [&]<std::size_t... I>(std::index_sequence<I...>) {
    return (pred(type_t<std::tuple_element_t<I, T>>{}) && ...);
  }(std::make_index_sequence<std::tuple_size_v<T>>{});
}

/// Pred(type_t<P>) for each direct part of T: the element type of a container,
/// the key and mapped types of a map, each tuple element, each struct member
/// as declared (a const member stays const). True when every call is.
template <class T, class Pred>
constexpr bool all_parts(Pred pred) {
  constexpr value_kind k = kind_v<T>;
  if constexpr (is_container_kind<T>()) {
    return pred(type_t<typename T::value_type>{});
  } else if constexpr (k == value_kind::map) {
    return pred(type_t<typename T::key_type>{}) && pred(type_t<typename T::mapped_type>{});
  } else if constexpr (k == value_kind::tuple) {
    return all_tuple_elements<T>(pred);
  } else if constexpr (k == value_kind::structure) {
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      return (pred(type_t<typename struct_fields<T>::template declared_type<I>>{}) && ...);
    }(std::make_index_sequence<struct_fields<T>::size>{});
  } else {
    return true;
  }
}

/// The fewest bytes any encoding of T takes: a stored count of T's larger
/// than the remaining bytes could hold is refused before allocating.
template <class T>
constexpr std::size_t min_encoded_size() {
  using enum value_kind;
  constexpr value_kind k = kind_v<T>;
  if constexpr (k == boolean || k == integer || k == floating) return 1 + sizeof(T);
  else if constexpr (k == enumeration) return 1 + min_encoded_size<std::underlying_type_t<T>>();
  else if constexpr (k == optional) return 1 + 8 + 1;
  else if constexpr (k == map) return 1 + 8 + 8 + 8;
  else if constexpr (k == vector || k == set) return 1 + 8 + 8;
  else if constexpr (k == array) return 1 + 8 + 8 + std::tuple_size_v<T> * min_encoded_size<typename T::value_type>();
  else if constexpr (k == tuple)
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      return 1 + 8 + (std::size_t{0} + ... + min_encoded_size<std::remove_cvref_t<std::tuple_element_t<I, T>>>());
    }(std::make_index_sequence<std::tuple_size_v<T>>{});
  else if constexpr (k == structure)
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      return 1 + 8 + (std::size_t{0} + ... +
                      (8 + struct_fields<T>::names[I].size() +
                       min_encoded_size<typename struct_fields<T>::template member_type<I>>()));
    }(std::make_index_sequence<struct_fields<T>::size>{});
  else return 1 + 8;  // strings, paths, custom values: a tag and a count or schema
}

}  // namespace consist::inline v0::detail
