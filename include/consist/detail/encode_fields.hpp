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
#include <boost/hana/pair.hpp>
#include <boost/hana/second.hpp>
#include <boost/hana/string.hpp>
#include <boost/hana/tuple.hpp>
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

/// The I-th type of a pack, found by overload resolution over one base per
/// element rather than by recursion (no instantiation per step).
template <std::size_t I, class T>
struct pack_slot {
  using type = T;
};
template <class Seq, class... T>
struct pack_slots;
template <std::size_t... I, class... T>
struct pack_slots<std::index_sequence<I...>, T...> : pack_slot<I, T>... {};
template <std::size_t I, class T>
pack_slot<I, T> pick_slot(const pack_slot<I, T>&);  // declared only: used in decltype
template <std::size_t I, class... T>
using pack_element = typename decltype(pick_slot<I>(std::declval<pack_slots<std::index_sequence_for<T...>, T...>>()))::type;

template <class M>
struct member_pointer_traits;
template <class X, class C>
struct member_pointer_traits<X C::*> {
  using member = X;  // as declared: a const member stays const
  using owner = C;   // the class that declares it (a base, for an inherited member)
};

/// An accessor of BOOST_HANA_DEFINE_STRUCT or BOOST_HANA_ADAPT_STRUCT, a
/// (hana::string name, member pointer) pair, read off its type: the name and
/// the member need no instantiation of hana's pair and tuple functions.
/// member_ptr is hana's own detail type; an accessor of any other shape
/// (BOOST_HANA_ADAPT_ADT, or a later hana) takes the general path below.
template <class Accessor>
struct member_accessor {
  static constexpr bool plain = false;
};
template <char... C, class M, M P>
struct member_accessor<boost::hana::pair<boost::hana::string<C...>, boost::hana::struct_detail::member_ptr<M, P>>> {
  static constexpr bool plain = true;
  static constexpr char chars[] = {C..., '\0'};
  static constexpr std::string_view name{chars, sizeof...(C)};
  static constexpr M pointer = P;
  using member = typename member_pointer_traits<M>::member;
  using owner = typename member_pointer_traits<M>::owner;
};

/// Whether every accessor of a struct is such a pair; `at<I>` is the I-th.
template <class Accessors>
struct plain_accessors {
  static constexpr bool value = false;
};
template <class... A>
struct plain_accessors<boost::hana::tuple<A...>> {
  static constexpr bool value = (member_accessor<A>::plain && ...);
  static constexpr std::size_t size = sizeof...(A);
  template <std::size_t I>
  using at = member_accessor<pack_element<I, A...>>;
  /// Whether T itself declares every member named (not a base of T).
  template <class T>
  static constexpr bool owned_by = (std::is_same_v<typename member_accessor<A>::owner, T> && ...);
};

template <reflected_struct T>
struct struct_fields {
  // hana::accessors<T>() is a constexpr sequence of (name, accessor) pairs.
  // Its type says all there is to know about the structs hana's macros
  // define or adapt, so the sequence itself is only built for other
  // accessors.
  using plain = plain_accessors<std::remove_cvref_t<decltype(boost::hana::accessors<T>())>>;

  static constexpr auto names = [] {
    if constexpr (plain::value) {
      return []<std::size_t... I>(std::index_sequence<I...>) {
        return std::array<std::string_view, sizeof...(I)>{plain::template at<I>::name...};
      }(std::make_index_sequence<plain::size>{});
    } else {
      return boost::hana::unpack(boost::hana::accessors<T>(), [](const auto&... field) {
        return std::array<std::string_view, sizeof...(field)>{
            std::string_view(std::remove_cvref_t<decltype(boost::hana::first(field))>::c_str())...};
      });
    }
  }();
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
    if constexpr (plain::value) return (v.*plain::template at<I>::pointer);
    else return boost::hana::second(boost::hana::at_c<I>(boost::hana::accessors<T>()))(v);
  }
  template <std::size_t I>
  static constexpr decltype(auto) get(T& v) {
    if constexpr (plain::value) return (v.*plain::template at<I>::pointer);
    else return boost::hana::second(boost::hana::at_c<I>(boost::hana::accessors<T>()))(v);
  }

 private:
  template <std::size_t I, bool Plain = plain::value>
  struct declared {
    using type = std::remove_reference_t<decltype(get<I>(std::declval<T&>()))>;
  };
  template <std::size_t I>
  struct declared<I, true> {
    using type = typename plain::template at<I>::member;
  };

 public:
  /// The member's type as declared (a const member stays const).
  template <std::size_t I>
  using declared_type = typename declared<I>::type;
  template <std::size_t I>
  using member_type = std::remove_cv_t<declared_type<I>>;
};

/// Converts to anything: counts how many initializers an aggregate takes.
struct any_initializer {
  template <class U>
  operator U() const;  // declared only: used in requires-expressions
};
template <std::size_t>
using any_initializer_at = any_initializer;
template <class T, std::size_t... I>
constexpr bool initializable_from_n(std::index_sequence<I...>) {
  return requires { T{any_initializer_at<I>{}...}; };
}

/// Whether the fields reflection names are all of T's state, as far as the
/// language lets one tell: the members named are T's own (a struct that
/// inherits a reflected base's macro would otherwise be seen as its base), and
/// an aggregate takes no more initializers than there are fields (a member
/// outside the macro, or a base class, would take one more). A class with
/// constructors cannot be counted so.
template <reflected_struct T>
constexpr bool reflection_complete() {
  using plain = typename struct_fields<T>::plain;
  if constexpr (plain::value)
    if constexpr (!plain::template owned_by<T>) return false;
  if constexpr (std::is_aggregate_v<T>)
    return !initializable_from_n<T>(std::make_index_sequence<struct_fields<T>::size + 1>{});
  else
    return true;
}

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
