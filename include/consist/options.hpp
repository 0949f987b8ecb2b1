#pragma once
// Every option consist::run / trace / scenario accepts is a type of its own.
// A legacy keyword (a bare cache_mode, output_missing, inject_context,
// hash_inputs, config_plan) cannot be expressed: it does not compile, and the
// message names the option to use instead. See detail/option_checks.hpp for the
// pack rules (known types only, each at most once).

#include <consist/detail/config.hpp>
#include <consist/error.hpp>
#include <consist/record.hpp>

#include <boost/json/object.hpp>

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace consist::inline v0 {

namespace detail {
template <class...>
inline constexpr bool always_false = false;

// Reached only when a constant option value is invalid: in a constant
// expression (a constexpr options object) the call is a compile error whose
// diagnostic quotes the line below it; at run time it throws usage_error.
[[noreturn]] CONSIST_DECL void invalid_option(const char* problem, const char* fix);
}  // namespace detail

// ---- cache_options ----------------------------------------------------------

/// reuse: hit when an identical completed run exists; overwrite: always
/// execute, the new run becomes the newest candidate; readonly: look up and
/// execute on a miss, but write nothing to the store.
enum class cache_mode : std::uint8_t { reuse, overwrite, readonly };

/// lazy: trust the producer's recorded outputs; eager: a missing or changed
/// output file turns a hit into a miss.
enum class cache_validation : std::uint8_t { lazy, eager };

/// What a cache hit writes: a full run record (group-committed), one reuse
/// counter per producer run (for memoized calls in loops), or nothing.
enum class hit_recording : std::uint8_t { full, count, none };

namespace detail {
constexpr bool check_cache_options(cache_mode mode, cache_validation validate, hit_recording hits) {
  if (mode == cache_mode::overwrite && validate == cache_validation::eager)
    invalid_option("cache_options{.mode = overwrite, .validate = eager}: overwrite never reuses, so there is nothing to validate", "drop .validate or use cache_mode::reuse");
  if (mode == cache_mode::readonly && hits != hit_recording::full)
    invalid_option("cache_options{.mode = readonly, .record_hits = count|none}: readonly writes nothing, so hits cannot be counted", "drop .record_hits or use cache_mode::reuse");
  return true;
}
}  // namespace detail

struct cache_options {
  cache_mode mode = cache_mode::reuse;
  cache_validation validate = cache_validation::lazy;
  std::uint64_t epoch = 0;     // bump to invalidate every earlier run (part of identity)
  std::string_view version = {};  // cache version label (part of identity; copied at resolution)
  hit_recording record_hits = hit_recording::full;
  // Declare the options constexpr to have an impossible combination rejected at
  // compile time; otherwise it is rejected before anything runs.
  bool valid_ = detail::check_cache_options(mode, validate, record_hits);
};

// ---- output_policy_options ---------------------------------------------------

/// What happens when a declared output is missing (or an undeclared one appears).
enum class policy : std::uint8_t { error, warn, ignore };

struct output_policy_options {
  policy missing = policy::warn;   // a declared output was not written
  policy mismatch = policy::warn;  // an output was written that was not declared
};

// ---- execution_options -------------------------------------------------------

/// Runtime-only arguments: they reach fn after its config / run_context
/// parameters but are never hashed (a thread pool, a communicator, a logger).
template <class... Args>
struct execution_options {
  std::tuple<Args...> args;
  explicit execution_options(Args... a) : args(std::move(a)...) {}
};
template <class... Args>
execution_options(Args...) -> execution_options<Args...>;

// ---- identity inputs ---------------------------------------------------------

/// A hash-only value that joins the identity under a name.
template <class T>
struct identity_value {
  using identity_value_type = T;
  std::string name;
  T value;
};
template <class T>
identity_value(const char*, T) -> identity_value<T>;
template <class T>
identity_value(std::string, T) -> identity_value<T>;

/// Hash-only identity inputs: files or directories (fingerprinted by content)
/// and named values. They change the signature but are not run inputs.
template <class... Items>
struct identity_inputs {
  static_assert(((std::is_same_v<Items, std::filesystem::path> ||
                  requires { typename Items::identity_value_type; }) && ...),
                "consist::identity_inputs{...} takes std::filesystem::path values (hashed by content) "
                "or consist::identity_value{\"name\", value} entries");
  std::tuple<Items...> items;
  explicit identity_inputs(Items... i) : items(std::move(i)...) {}
};
template <class... Items>
identity_inputs(Items...) -> identity_inputs<Items...>;

// ---- config ------------------------------------------------------------------

/// The step's configuration, encoded by the run's Adapter (reflect_adapter by
/// default: a Boost.Hana-reflected struct).
template <class T>
struct config {
  T value;
};
template <class T>
config(T) -> config<T>;

// ---- inputs / outputs ----------------------------------------------------------

/// One named input: a plain file or directory, or an artifact an earlier run
/// produced (identified by that run's signature and the artifact key).
struct input_entry {
  std::string key;
  std::variant<std::filesystem::path, artifact> source;
  input_entry(std::string k, std::filesystem::path p) : key(std::move(k)), source(std::move(p)) {}
  input_entry(std::string k, const char* p) : key(std::move(k)), source(std::filesystem::path(p)) {}
  input_entry(std::string k, std::string p) : key(std::move(k)), source(std::filesystem::path(std::move(p))) {}
  input_entry(std::string k, artifact a) : key(std::move(k)), source(std::move(a)) {}
};

struct inputs {
  std::vector<input_entry> entries;
  inputs(std::initializer_list<input_entry> e) : entries(e) {}
  explicit inputs(std::vector<input_entry> e) : entries(std::move(e)) {}
};

/// Declared output keys; fn writes each at run_context::output_path(key).
struct outputs {
  std::vector<std::string> keys;
  outputs(std::initializer_list<std::string> k) : keys(k) {}
  explicit outputs(std::vector<std::string> k) : keys(std::move(k)) {}
};

/// Output keys a scenario's steps must leave in its coupler by the time the
/// scenario ends; a missing one fails the header. Only tracker::scenario takes it.
struct require_outputs {
  std::vector<std::string> keys;
  require_outputs(std::initializer_list<std::string> k) : keys(k) {}
  explicit require_outputs(std::vector<std::string> k) : keys(std::move(k)) {}
};

// ---- descriptive options -------------------------------------------------------

struct tags {
  std::vector<std::string> values;
  tags(std::initializer_list<std::string> t) : values(t) {}
  explicit tags(std::vector<std::string> t) : values(std::move(t)) {}
};

struct meta {
  boost::json::object values;
  meta(std::initializer_list<std::pair<boost::json::string_view, boost::json::value_ref>> m) : values(m) {}
  explicit meta(boost::json::object m) : values(std::move(m)) {}
};

namespace detail {
// A string-valued option; Tag only makes each one a distinct type.
template <class Tag>
struct string_option {
  std::string value;
  string_option(std::string v) : value(std::move(v)) {}
  string_option(const char* v) : value(v) {}
};
template <class Tag>
struct int_option {
  std::int64_t value;
  constexpr int_option(std::int64_t v) : value(v) {}
};
}  // namespace detail

using name = detail::string_option<struct name_tag>;                // run name (default: model)
using model = detail::string_option<struct model_tag>;              // model name (identity)
using description = detail::string_option<struct description_tag>;  // free text
using stage = detail::string_option<struct stage_tag>;              // workflow stage label
using phase = detail::string_option<struct phase_tag>;              // workflow phase label
using run_id = detail::string_option<struct run_id_tag>;            // explicit run id
using code_version = detail::string_option<struct code_version_tag>;  // explicit code identity
using year = detail::int_option<struct year_tag>;                   // model year (identity)
using iteration = detail::int_option<struct iteration_tag>;         // iteration (identity)

// ---- names that do not exist as options ------------------------------------------
// They are declared only so that their use fails with a message naming the fix.

struct hash_inputs {
  template <class... T>
  hash_inputs(T&&...) {
    static_assert(detail::always_false<T...>,
                  "consist::hash_inputs is not an option: pass consist::identity_inputs{...} instead");
  }
};
struct config_plan {
  template <class... T>
  config_plan(T&&...) {
    static_assert(detail::always_false<T...>,
                  "consist::config_plan is not an option: pass consist::config{...} and choose the "
                  "Adapter template argument of run/trace instead");
  }
};
struct output_missing {
  template <class... T>
  output_missing(T&&...) {
    static_assert(detail::always_false<T...>,
                  "consist::output_missing is not an option: pass "
                  "consist::output_policy_options{.missing = ...} instead");
  }
};
struct inject_context {
  template <class... T>
  inject_context(T&&...) {
    static_assert(detail::always_false<T...>,
                  "consist::inject_context is not an option: declare a consist::run_context& "
                  "parameter in fn and it is injected");
  }
};

}  // namespace consist::inline v0

#include <consist/detail/option_checks.hpp>

#if CONSIST_INCLUDE_IMPL
#include <consist/impl/options.ipp>
#endif
