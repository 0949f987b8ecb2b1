#pragma once
// Compile-time rules for the option pack of run / trace / scenario: every
// argument after fn is a known option type, and each kind appears at most once.

#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace consist::inline v0 {
template <class... Args> struct execution_options;
template <class... Items> struct identity_inputs;
template <class T> struct config;
struct cache_options;
struct output_policy_options;
struct inputs;
struct outputs;
struct tags;
struct meta;
struct require_outputs;
enum class cache_mode : std::uint8_t;
enum class cache_validation : std::uint8_t;
enum class hit_recording : std::uint8_t;
enum class policy : std::uint8_t;
}  // namespace consist::inline v0

namespace consist::inline v0::detail {

template <class T, template <class...> class Tmpl>
inline constexpr bool is_specialization_of = false;
template <template <class...> class Tmpl, class... A>
inline constexpr bool is_specialization_of<Tmpl<A...>, Tmpl> = true;

template <class Tag> struct string_option;
template <class Tag> struct int_option;

template <class T> inline constexpr bool is_string_option = false;
template <class Tag> inline constexpr bool is_string_option<string_option<Tag>> = true;
template <class T> inline constexpr bool is_int_option = false;
template <class Tag> inline constexpr bool is_int_option<int_option<Tag>> = true;

/// The kind of an option: two arguments of one kind are a duplicate.
/// Templates collapse to one kind (config<A> and config<B> are both "config").
template <class T>
struct option_kind {
  using type = T;
};
template <class... A>
struct option_kind<execution_options<A...>> {
  using type = execution_options<>;
};
template <class... A>
struct option_kind<identity_inputs<A...>> {
  using type = identity_inputs<>;
};
template <class A>
struct option_kind<config<A>> {
  using type = config<void>;
};
template <class T>
using option_kind_t = typename option_kind<std::remove_cvref_t<T>>::type;

template <class T, class U = std::remove_cvref_t<T>>
inline constexpr bool is_option =
    std::is_same_v<U, cache_options> || std::is_same_v<U, output_policy_options> ||
    std::is_same_v<U, inputs> || std::is_same_v<U, outputs> || std::is_same_v<U, tags> ||
    std::is_same_v<U, meta> || is_specialization_of<U, execution_options> ||
    is_specialization_of<U, identity_inputs> || is_specialization_of<U, config> ||
    is_string_option<U> || is_int_option<U>;

/// Options only a scenario accepts.
template <class T>
inline constexpr bool is_scenario_only_option = std::is_same_v<std::remove_cvref_t<T>, require_outputs>;

// Values that look like options but are parts of one: named so the message can say which.
template <class T, class U = std::remove_cvref_t<T>>
inline constexpr bool is_option_part =
    std::is_same_v<U, cache_mode> || std::is_same_v<U, cache_validation> ||
    std::is_same_v<U, hit_recording> || std::is_same_v<U, policy>;

/// Checks one argument of the pack. Instantiated per argument so that the
/// compiler's "required from" note names the offending type.
template <class Surface, class T, class... All>
struct check_option {
  using U = std::remove_cvref_t<T>;
  static_assert(!std::is_same_v<U, cache_mode>,
                "consist::cache_mode is not a run option: pass consist::cache_options{.mode = ...}");
  static_assert(!std::is_same_v<U, cache_validation>,
                "consist::cache_validation is not a run option: pass consist::cache_options{.validate = ...}");
  static_assert(!std::is_same_v<U, hit_recording>,
                "consist::hit_recording is not a run option: pass consist::cache_options{.record_hits = ...}");
  static_assert(!std::is_same_v<U, policy>,
                "consist::policy is not a run option: pass "
                "consist::output_policy_options{.missing = ..., .mismatch = ...}");
  static_assert(Surface::scenario || !is_scenario_only_option<U>,
                "consist::require_outputs is a scenario option: pass it to tracker::scenario(name, ...), "
                "not to run or trace");
  static_assert(is_option<U> || is_option_part<U> || is_scenario_only_option<U>,
                "this argument is not a consist run option; the options are consist::config, inputs, "
                "outputs, identity_inputs, cache_options, output_policy_options, execution_options, "
                "tags, meta, name, model, description, year, iteration, stage, phase, run_id, "
                "code_version (and require_outputs for a scenario)");
  static_assert(((std::is_same_v<option_kind_t<T>, option_kind_t<All>> ? 1 : 0) + ...) <= 1,
                "this consist option is given more than once: pass each option type at most once "
                "(put all tags in one consist::tags{...}, all inputs in one consist::inputs{...})");
  static constexpr bool value = true;
};

struct run_surface {
  static constexpr bool scenario = false;
};
struct scenario_surface {
  static constexpr bool scenario = true;
};

template <class Surface, class... Opts>
inline constexpr bool check_options = (check_option<Surface, Opts, Opts...>::value && ... && true);

/// How many arguments in the pack have kind K (0 or 1 after check_options).
template <class K, class... Opts>
inline constexpr std::size_t count_kind = ((std::is_same_v<option_kind_t<Opts>, K> ? 1 : 0) + ... + 0);

}  // namespace consist::inline v0::detail
