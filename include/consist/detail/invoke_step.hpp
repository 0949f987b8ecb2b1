#pragma once
// How fn is called: the forms it may take are detected at compile time.
//   fn(const Config&, run_context&, args...)   fn(const Config&, args...)
//   fn(run_context&, args...)                  fn(args...)
// where args are the execution_options arguments (never hashed).

#include <consist/options.hpp>
#include <consist/run_context.hpp>

#include <functional>
#include <tuple>
#include <type_traits>
#include <utility>

namespace consist::inline v0::detail {

template <class Fn, class Config, class Exec>
struct step_call;

template <class Fn, class Config, class... A>
struct step_call<Fn, Config, execution_options<A...>> {
  static constexpr bool has_config = !std::is_void_v<Config>;
  using C = std::conditional_t<has_config, Config, int>;  // int: never used

  static constexpr bool config_ctx = has_config && std::is_invocable_v<Fn&, const C&, run_context&, A&...>;
  static constexpr bool config_only = has_config && std::is_invocable_v<Fn&, const C&, A&...>;
  static constexpr bool ctx_only = std::is_invocable_v<Fn&, run_context&, A&...>;
  static constexpr bool plain = std::is_invocable_v<Fn&, A&...>;
  static constexpr bool callable = config_ctx || config_only || ctx_only || plain;
  static_assert(callable,
                "fn cannot be called by consist::run: it must be callable as fn(const Config&, "
                "consist::run_context&, args...), fn(const Config&, args...), fn(consist::run_context&, "
                "args...) or fn(args...), where Config is the type in consist::config{...} and args are "
                "the consist::execution_options{...} arguments");

  static auto call(Fn& fn, const C* cfg, run_context& ctx, std::tuple<A...>& args) -> decltype(auto) {
    return std::apply(
        [&](A&... a) -> decltype(auto) {
          if constexpr (config_ctx) return std::invoke(fn, *cfg, ctx, a...);
          else if constexpr (config_only) return std::invoke(fn, *cfg, a...);
          else if constexpr (ctx_only) return std::invoke(fn, ctx, a...);
          else if constexpr (plain) return std::invoke(fn, a...);
        },
        args);
  }
  using result = std::remove_cvref_t<decltype(call(std::declval<Fn&>(), nullptr, std::declval<run_context&>(),
                               std::declval<std::tuple<A...>&>()))>;
};

}  // namespace consist::inline v0::detail
