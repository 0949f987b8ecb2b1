#pragma once
// consist::run and the run algorithm every run surface shares:
//   resolve -> signature lookup -> (hit) restore | (miss) execute -> record -> commit + snapshot
// The record building, commit and snapshot live in detail/run_lifecycle.hpp,
// shared with consist::trace and scenario headers.

#include <consist/detail/invoke_step.hpp>
#include <consist/detail/option_access.hpp>
#include <consist/detail/outputs.hpp>
#include <consist/detail/run_lifecycle.hpp>
#include <consist/detail/run_placement.hpp>
#include <consist/encode/serialize.hpp>
#include <consist/record.hpp>
#include <consist/resolve.hpp>
#include <consist/tracker.hpp>

#include <exception>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

namespace consist::inline v0 {

namespace detail {

/// The result of a hit: its record is built in place in the result (never
/// moved there), written per record_hits, then the cached outputs are loaded.
/// `value` is the restored value (none for void).
template <class R, class... Value>
run_result<R> hit_result(run_store& store, resolved_invocation&& inv, const cache_entry& entry, timestamp started,
                         const run_placement& where, Value&&... value) {
  const cache_mode mode = inv.mode;
  const hit_recording record_hits = inv.record_hits;
  const bool given_id = !inv.run_id.empty();
  std::string id = choose_run_id(inv, where);
  run_result<R> res{std::forward<Value>(value)..., hit_record(std::move(inv), entry, started, std::move(id), where),
                    {}, true};
  write_hit(store, mode, record_hits, res.run, given_id);
  res.outputs = load_outputs(store, entry);
  return res;
}

template <class Adapter, class Fn, class... Opts>
auto execute_run(tracker& t, const run_placement& where, Fn&& fn, const Opts&... opts) {
  static_assert(check_options<run_surface, Opts...>);
  static_assert(has_kind<name, Opts...> || has_kind<model, Opts...>,
                "consist::run needs a name: pass consist::name{\"step\"} or consist::model{\"step\"}");
  using Config = config_type_t<Opts...>;
  if constexpr (!std::is_void_v<Config>) static_assert(check_config_adaptable<Adapter, Config>());
  using Exec = execution_type_t<Opts...>;
  using call = step_call<std::remove_reference_t<Fn>, Config, Exec>;
  using R = typename call::result;
  static_assert(std::is_void_v<R> || serializable<R>,
                "the value fn returns must be serializable, so a cache hit can restore it: return a "
                "struct reflected with BOOST_HANA_DEFINE_STRUCT / BOOST_HANA_ADAPT_STRUCT, a standard "
                "type consist encodes, a type with the consist_encode customization point, or void");

  const timestamp started = now();
  resolved_invocation inv = resolve_invocation<Adapter>(t.resolution(), opts...);
  run_store& store = t.store();

  cache_lookup lookup = look_up(store, inv, t.run_dir());
  if (lookup.entry) {
    if constexpr (std::is_void_v<R>) {
      return hit_result<void>(store, std::move(inv), *lookup.entry, started, where);
    } else {
      // Restored before the hit is recorded: a hit that cannot restore its value is no hit.
      R value = restore_cached_value<R>(inv.name, *lookup.entry);
      return hit_result<R>(store, std::move(inv), *lookup.entry, started, where, std::move(value));
    }
  }

  // A miss: execute.
  run_record base = base_record(inv, started, choose_run_id(inv, where), where);
  describe_config<Adapter>(base, opts...);
  // Spans that close while fn runs belong to this run (see spans.hpp for nesting).
  // Started before the running record, so a CONSIST_TRACING that is no switch
  // is refused with nothing written.
  run_spans spans(t.config().tracing);
  executing_run ex(store, t.run_dir(), inv, std::move(base), lookup.why);
  run_context ctx = context_of(inv, t.run_dir(), ex.record().id);
  const typename call::C* cfg = nullptr;  // stays null when there is no config
  if constexpr (!std::is_void_v<Config>) cfg = &get_kind<config<void>>(opts...).value;

  auto exec_args = [&]() -> auto {
    if constexpr (has_kind<execution_options<>, Opts...>) return get_kind<execution_options<>>(opts...).args;
    else return std::tuple<>{};
  }();
  using value_holder = std::conditional_t<std::is_void_v<R>, int, R>;
  std::optional<value_holder> value;
  collected_outputs produced;
  std::vector<std::uint8_t> bytes;
  try {
    if constexpr (std::is_void_v<R>) {
      call::call(fn, cfg, ctx, exec_args);
      value.emplace(0);
    } else {
      value.emplace(call::call(fn, cfg, ctx, exec_args));
    }
    spans.take_into(ex.record());
    produced = collect_outputs(ex.output_dir(), inv.output_keys, inv.output_policy, t.run_dir(), t.config().hashing,
                               t.config().allow_external_outputs);
    // Whatever fails before the commit (storing the value above all) fails the run too.
    for (auto& [key, a] : produced.by_key) ex.add_output(key, a);
    ex.add_warnings(produced.warnings);
    ex.merge_meta(ctx.meta());
    if constexpr (!std::is_void_v<R>) bytes = serialize(*value);
  } catch (...) {
    const auto e = std::current_exception();
    spans.take_into_nothrow(ex.record());
    ex.merge_meta(ctx.meta());
    ex.fail(describe_exception(e));
    throw;
  }
  ex.complete(&bytes);
  if constexpr (std::is_void_v<R>) {
    return run_result<void>{std::move(ex.record()), std::move(produced.by_key), false};
  } else {
    return run_result<R>{std::move(*value), std::move(ex.record()), std::move(produced.by_key), false};
  }
}

}  // namespace detail

/// Runs fn as a tracked, cached step on the innermost live tracker.
///   auto r = consist::run([](const Demand& c) { ... }, consist::name{"demand"}, consist::config{cfg});
/// On a hit fn is not called and r.value is restored from the store.
template <class Adapter = reflect_adapter, class Fn, class... Opts>
auto run(Fn&& fn, const Opts&... opts) {
  return detail::execute_run<Adapter>(active_tracker(), detail::run_placement{}, std::forward<Fn>(fn), opts...);
}

}  // namespace consist::inline v0
