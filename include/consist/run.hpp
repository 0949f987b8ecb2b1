#pragma once
// consist::run and the run algorithm every run surface shares:
//   resolve -> signature lookup -> (hit) restore | (miss) execute -> record -> commit + snapshot

#include <consist/detail/invoke_step.hpp>
#include <consist/detail/option_access.hpp>
#include <consist/detail/outputs.hpp>
#include <consist/detail/process_info.hpp>
#include <consist/detail/run_id.hpp>
#include <consist/detail/uuid.hpp>
#include <consist/encode/serialize.hpp>
#include <consist/explain.hpp>
#include <consist/record.hpp>
#include <consist/resolve.hpp>
#include <consist/spans.hpp>
#include <consist/store/snapshot.hpp>
#include <consist/tracker.hpp>

#include <chrono>
#include <exception>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

namespace consist::inline v0 {

namespace detail {

inline timestamp now() { return std::chrono::time_point_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now()); }

inline std::string describe_exception(std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    return ex.what();
  } catch (...) {
    return "an exception not derived from std::exception";
  }
}

/// The fields every record of this invocation shares, hit or miss.
inline run_record base_record(const resolved_invocation& inv, timestamp started) {
  run_record rec;
  rec.model_name = inv.model;
  rec.description = inv.description;
  rec.year = inv.identity.year;
  rec.iteration = inv.identity.iteration;
  rec.stage = inv.stage;
  rec.phase = inv.phase;
  rec.tags = inv.tags;
  rec.meta = inv.meta;
  rec.identity = inv.identity;
  rec.signature = inv.identity.signature;
  rec.config_hash = inv.identity.config_hash;
  rec.input_hash = inv.identity.input_hash;
  rec.code_hash = inv.identity.code_hash;
  rec.started_at = rec.created_at = rec.updated_at = started;
  const process_info& p = this_process();
  rec.pid = p.pid;
  rec.host = p.host;
  rec.boot_id = p.boot_id;
  return rec;
}

/// On a hit with cache_validation::eager: the first cached output that is
/// missing or whose fingerprint changed, as a reason; empty when all are intact.
inline std::string stale_output(const run_store& store, const cache_entry& entry,
                                const std::filesystem::path& run_dir) {
  for (const auto& [key, id] : entry.outputs) {
    const auto a = store.get_artifact(id);
    if (!a) return "cached output '" + key + "' has no artifact record";
    const auto p = artifact_path(*a, run_dir);
    std::error_code ec;
    if (!std::filesystem::exists(p, ec)) return "cached output '" + key + "' is missing at " + p.string();
    const auto mode = a->fingerprint_strategy == "fast" ? hashing_mode::fast : hashing_mode::full;
    if (to_hex(fingerprint_path(p, mode).digest) != a->fingerprint)
      return "cached output '" + key + "' changed since run " + entry.run_id;
  }
  return {};
}

inline std::map<std::string, artifact> load_outputs(const run_store& store, const cache_entry& entry) {
  std::map<std::string, artifact> out;
  for (const auto& [key, id] : entry.outputs)
    if (auto a = store.get_artifact(id)) out.emplace(key, std::move(*a));
  return out;
}

template <class R>
run_result<R> hit_result(tracker& t, const resolved_invocation& inv, const cache_entry& entry, timestamp started) {
  run_store& store = t.store();
  run_record rec = base_record(inv, started);
  rec.id = inv.run_id.empty() ? make_run_id(inv.name) : inv.run_id;
  rec.status = run_status::completed;
  rec.ended_at = now();
  rec.cache_hit = true;
  rec.cache_source = entry.run_id;
  rec.meta["cache_hit"] = true;
  rec.meta["cache_source"] = entry.run_id;
  auto outputs = load_outputs(store, entry);
  if (inv.mode != cache_mode::readonly) {
    if (inv.record_hits == hit_recording::full) store.enqueue(rec);
    else if (inv.record_hits == hit_recording::count) store.count_hit(entry.run_id, *rec.ended_at);
  }
  if constexpr (std::is_void_v<R>) {
    return run_result<void>{std::move(rec), std::move(outputs), true};
  } else {
    R value = deserialize<R>(entry.value);
    return run_result<R>{std::move(value), std::move(rec), std::move(outputs), true};
  }
}

}  // namespace detail

namespace detail {

template <class Adapter, class Fn, class... Opts>
auto execute_run(tracker& t, Fn&& fn, const Opts&... opts) {
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
  const bool writes = inv.mode != cache_mode::readonly;

  std::string stale_reason;
  if (inv.mode != cache_mode::overwrite) {
    if (auto entry = store.find_cached(inv.signature)) {
      if (inv.validate == cache_validation::lazy ||
          (stale_reason = stale_output(store, *entry, t.run_dir())).empty())
        return hit_result<R>(t, inv, *entry, started);
    }
  }

  // A miss: execute.
  run_record rec = base_record(inv, started);
  rec.id = inv.run_id.empty() ? make_run_id(inv.name) : inv.run_id;
  const typename call::C* cfg = nullptr;  // stays null when there is no config
  if constexpr (!std::is_void_v<Config>) {
    cfg = &get_kind<config<void>>(opts...).value;
    config_description d = Adapter::describe(*cfg);
    rec.config = std::move(d.json);
    rec.identity.schema_hash = d.schema_hash;
    for (const auto& f : d.fields) rec.config_fields.emplace_back(f.path, to_hex(f.digest));
  }
  {
    run_query q;
    q.model = inv.model;
    q.status = run_status::completed;
    q.limit = 20;
    miss_explanation e = explain_against(rec, store.find_runs(q));
    if (inv.mode == cache_mode::overwrite) e.reason = "cache_options{.mode = overwrite}: always executes; " + e.reason;
    if (!stale_reason.empty()) e.reason = stale_reason + " (eager validation); " + e.reason;
    for (auto& key : e.changed_inputs)
      for (const auto& in : inv.inputs)
        if (in.key == key && in.upstream) key += " (from run " + in.upstream->producing_run_id + ")";
    rec.explanation = std::move(e);
  }
  // Inputs: an upstream artifact is linked as it is; a plain file gets an
  // artifact whose id is derived from its location and fingerprint, so the
  // same file read by many runs is one artifact.
  std::vector<artifact> artifacts;
  for (const auto& in : inv.inputs) {
    artifact_link link{rec.id, "", in.key, link_direction::input};
    if (in.upstream) {
      link.artifact_id = in.upstream->id;
    } else {
      artifact a = make_artifact(in.key, in.path, t.run_dir(), *in.file);
      a.created_at = started;
      a.id = name_uuid(store.namespace_uuid(), "file:" + a.location + "#" + a.fingerprint_strategy + ":" + a.fingerprint);
      link.artifact_id = a.id;
      artifacts.push_back(std::move(a));
    }
    rec.links.push_back(std::move(link));
  }
  if (writes) store.begin_run(rec);

  const auto output_dir = t.run_dir() / "outputs" / inv.model / rec.id;
  std::vector<run_context::input_location> locations;
  for (const auto& in : inv.inputs) locations.push_back({in.key, in.path});
  run_context ctx(rec.id, inv.model, output_dir, std::move(locations), inv.output_keys);

  // Spans that close while fn runs belong to this run (see spans.hpp for nesting).
  std::optional<span_collection> spans;
  if (t.config().tracing) spans.emplace();
  auto take_spans = [&] {
    if (!spans) return;
    span_collection c = std::move(*spans);
    spans.reset();
    rec.span_stats = c.finish();
  };

  auto finish_failed = [&](std::exception_ptr e) {
    try {
      take_spans();
    } catch (const std::exception& ex) {
      rec.meta["spans_error"] = ex.what();  // the failure record matters more than its timings
    }
    rec.status = run_status::failed;
    rec.error = describe_exception(e);
    rec.ended_at = rec.updated_at = now();
    for (auto& kv : ctx.meta()) rec.meta.insert_or_assign(kv.key(), kv.value());
    if (writes) {
      store.commit_run(rec, nullptr, artifacts);
      write_snapshot(t.run_dir(), rec, nullptr, artifacts);
    }
  };

  auto exec_args = [&]() -> auto {
    if constexpr (has_kind<execution_options<>, Opts...>) return get_kind<execution_options<>>(opts...).args;
    else return std::tuple<>{};
  }();
  using value_holder = std::conditional_t<std::is_void_v<R>, int, R>;
  std::optional<value_holder> value;
  detail::collected_outputs produced;
  try {
    if constexpr (std::is_void_v<R>) {
      call::call(fn, cfg, ctx, exec_args);
      value.emplace(0);
    } else {
      value.emplace(call::call(fn, cfg, ctx, exec_args));
    }
    take_spans();
    produced = collect_outputs(output_dir, inv.output_keys, inv.output_policy, t.run_dir(), t.config().hashing);
  } catch (...) {
    finish_failed(std::current_exception());
    throw;
  }

  cache_entry entry;
  entry.run_id = rec.id;
  entry.signature = inv.signature;
  entry.created_at = rec.created_at;
  if constexpr (!std::is_void_v<R>) entry.value = serialize(*value);
  for (auto& [key, a] : produced.by_key) {
    a.producing_run_id = rec.id;
    a.producing_signature = rec.signature;
    a.created_at = now();
    entry.outputs.emplace_back(key, a.id);
    rec.links.push_back({rec.id, a.id, key, link_direction::output});
    artifacts.push_back(a);
  }
  if (!produced.warnings.empty()) {
    boost::json::array w;
    for (const auto& s : produced.warnings) w.emplace_back(s);
    rec.meta["output_warnings"] = std::move(w);
  }
  for (auto& kv : ctx.meta()) rec.meta.insert_or_assign(kv.key(), kv.value());
  rec.status = run_status::completed;
  rec.ended_at = rec.updated_at = now();
  if (writes) {
    store.commit_run(rec, &entry, artifacts);
    write_snapshot(t.run_dir(), rec, &entry, artifacts);
  }
  if constexpr (std::is_void_v<R>) {
    return run_result<void>{std::move(rec), std::move(produced.by_key), false};
  } else {
    return run_result<R>{std::move(*value), std::move(rec), std::move(produced.by_key), false};
  }
}

}  // namespace detail

/// Runs fn as a tracked, cached step on the innermost live tracker.
///   auto r = consist::run([](const Demand& c) { ... }, consist::name{"demand"}, consist::config{cfg});
/// On a hit fn is not called and r.value is restored from the store.
template <class Adapter = reflect_adapter, class Fn, class... Opts>
auto run(Fn&& fn, const Opts&... opts) {
  return detail::execute_run<Adapter>(active_tracker(), std::forward<Fn>(fn), opts...);
}

}  // namespace consist::inline v0
