#pragma once
// Finding an option of a given kind in a checked option pack.

#include <consist/detail/option_checks.hpp>

#include <cstddef>
#include <tuple>
#include <type_traits>

namespace consist::inline v0::detail {

inline constexpr std::size_t no_option = static_cast<std::size_t>(-1);

template <class K, class... Opts>
constexpr std::size_t kind_index() {
  std::size_t i = 0;
  std::size_t found = no_option;
  ((found = (found == no_option && std::is_same_v<option_kind_t<Opts>, K>) ? i : found, ++i), ...);
  return found;
}

/// Whether the pack holds an option of kind K (config<void>, identity_inputs<>
/// and execution_options<> stand for every specialisation).
template <class K, class... Opts>
inline constexpr bool has_kind = kind_index<K, Opts...>() != no_option;

template <class K, class... Opts>
const auto& get_kind(const Opts&... opts) {
  return std::get<kind_index<K, Opts...>()>(std::forward_as_tuple(opts...));
}

/// The type held by config<T> in the pack, or void.
template <class... Opts>
struct config_type {
  using type = void;
};
template <class First, class... Rest>
struct config_type<First, Rest...> {
  using type = typename config_type<Rest...>::type;
};
template <class T, class... Rest>
struct config_type<config<T>, Rest...> {
  using type = T;
};
template <class... Opts>
using config_type_t = typename config_type<std::remove_cvref_t<Opts>...>::type;

/// The execution_options<Args...> in the pack, or execution_options<>.
template <class... Opts>
struct execution_type {
  using type = execution_options<>;
};
template <class First, class... Rest>
struct execution_type<First, Rest...> {
  using type = typename execution_type<Rest...>::type;
};
template <class... A, class... Rest>
struct execution_type<execution_options<A...>, Rest...> {
  using type = execution_options<A...>;
};
template <class... Opts>
using execution_type_t = typename execution_type<std::remove_cvref_t<Opts>...>::type;

}  // namespace consist::inline v0::detail
