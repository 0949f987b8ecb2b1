#pragma once
// The fields of a struct reflected with BOOST_HANA_DEFINE_STRUCT or
// BOOST_HANA_ADAPT_STRUCT: names, member types, access, and the order sorted by
// name, all computed at compile time (declaration order must not matter to
// identity).

#include <boost/hana/accessors.hpp>
#include <boost/hana/adapt_struct.hpp>
#include <boost/hana/at.hpp>
#include <boost/hana/define_struct.hpp>
#include <boost/hana/first.hpp>
#include <boost/hana/second.hpp>
#include <boost/hana/unpack.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>
#include <utility>

namespace consist::inline v0::detail {

template <class T>
concept reflected_struct = std::is_class_v<T> && boost::hana::Struct<T>::value;

template <reflected_struct T>
struct struct_fields {
  // hana::accessors<T>() is a constexpr sequence of (name, accessor) pairs.
  static constexpr auto accessors = boost::hana::accessors<T>();

  static constexpr auto names = boost::hana::unpack(accessors, [](const auto&... field) {
    return std::array<std::string_view, sizeof...(field)>{
        std::string_view(std::remove_cvref_t<decltype(boost::hana::first(field))>::c_str())...};
  });
  static constexpr std::size_t size = names.size();

  /// Field indices in ascending name order.
  static constexpr std::array<std::size_t, size> sorted = [] {
    std::array<std::size_t, size> order{};
    for (std::size_t i = 0; i < size; ++i) order[i] = i;
    for (std::size_t i = 1; i < size; ++i)  // insertion sort: constexpr and tiny n
      for (std::size_t j = i; j > 0 && names[order[j]] < names[order[j - 1]]; --j) std::swap(order[j], order[j - 1]);
    return order;
  }();

  template <std::size_t I>
  static constexpr decltype(auto) get(const T& v) {
    return boost::hana::second(boost::hana::at_c<I>(accessors))(v);
  }
  template <std::size_t I>
  static constexpr decltype(auto) get(T& v) {
    return boost::hana::second(boost::hana::at_c<I>(accessors))(v);
  }

  /// The member's type as declared (a const member stays const).
  template <std::size_t I>
  using declared_type = std::remove_reference_t<decltype(get<I>(std::declval<T&>()))>;
  template <std::size_t I>
  using member_type = std::remove_cv_t<declared_type<I>>;
};

/// f(std::integral_constant<size_t, I>) for each field index I, by name order.
template <class T, class F>
constexpr void for_each_field_by_name(F&& f) {
  [&]<std::size_t... K>(std::index_sequence<K...>) {
    (f(std::integral_constant<std::size_t, struct_fields<T>::sorted[K]>{}), ...);
  }(std::make_index_sequence<struct_fields<T>::size>{});
}

/// f(std::integral_constant<size_t, I>) for each field index I, in declaration order.
template <class T, class F>
constexpr void for_each_field_declared(F&& f) {
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (f(std::integral_constant<std::size_t, I>{}), ...);
  }(std::make_index_sequence<struct_fields<T>::size>{});
}

/// u64 length + name bytes of field I, built once at compile time so that
/// encoding a field name is a single write.
template <class T, std::size_t I>
inline constexpr auto field_name_bytes = [] {
  constexpr std::string_view name = struct_fields<T>::names[I];
  std::array<std::uint8_t, 8 + name.size()> b{};
  for (std::size_t i = 0; i < 8; ++i) b[i] = static_cast<std::uint8_t>(std::uint64_t{name.size()} >> (8 * i));
  for (std::size_t i = 0; i < name.size(); ++i) b[8 + i] = static_cast<std::uint8_t>(name[i]);
  return b;
}();

}  // namespace consist::inline v0::detail
