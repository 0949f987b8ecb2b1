#pragma once
// The life of a run, shared by consist::run, consist::trace and scenario
// headers, so that hits, explanations, commits and snapshots are built once:
//   look_up -> (hit) hit_record + write_hit
//           -> (miss) executing_run: explanation, input links, begin_run,
//              outputs, then complete() or fail(): commit + snapshot.

#include <consist/detail/config.hpp>
#include <consist/detail/option_access.hpp>
#include <consist/detail/process_info.hpp>
#include <consist/detail/run_placement.hpp>
#include <consist/encode/serialize.hpp>
#include <consist/identity/fingerprint.hpp>
#include <consist/record.hpp>
#include <consist/resolve.hpp>
#include <consist/run_context.hpp>
#include <consist/spans.hpp>
#include <consist/store/store.hpp>

#include <chrono>
#include <concepts>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace consist::inline v0::detail {

inline timestamp now() { return std::chrono::time_point_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now()); }

CONSIST_DECL std::string describe_exception(std::exception_ptr e);

/// An explicit run_id wins; a scenario step is "{header id}.{step}.{name}"
/// (unique within its scenario, also for one name in a loop); otherwise
/// "{name}_{8 hex}" (detail/run_id.hpp). A step's id longer than a run id may
/// be is a usage_error naming the scenario and the step (step_run_id_too_long),
/// before anything runs or is recorded.
CONSIST_DECL std::string step_run_id(const run_placement& where, std::string_view name);
CONSIST_DECL std::string choose_run_id(const resolved_invocation& inv, const run_placement& where);
[[noreturn]] CONSIST_DECL void step_run_id_too_long(const run_placement& where, std::string_view name,
                                                    const std::string& id);

template <class Inv>
concept invocation_ref = std::same_as<std::remove_cvref_t<Inv>, resolved_invocation>;

/// The fields every record of this invocation shares, hit or miss. Given an
/// rvalue invocation, its strings and containers are moved, not copied.
template <invocation_ref Inv>
run_record base_record(Inv&& inv, timestamp started, std::string id, const run_placement& where) {
  run_record rec;
  rec.id = std::move(id);
  rec.parent_run_id = where.parent_run_id;
  rec.year = inv.identity.year;
  rec.iteration = inv.identity.iteration;
  rec.signature = inv.identity.signature;
  rec.config_hash = inv.identity.config_hash;
  rec.input_hash = inv.identity.input_hash;
  rec.code_hash = inv.identity.code_hash;
  rec.model_name = std::forward<Inv>(inv).model;
  rec.description = std::forward<Inv>(inv).description;
  rec.stage = std::forward<Inv>(inv).stage;
  rec.phase = std::forward<Inv>(inv).phase;
  rec.tags = std::forward<Inv>(inv).tags;
  rec.meta = std::forward<Inv>(inv).meta;
  rec.identity = std::forward<Inv>(inv).identity;
  rec.started_at = rec.created_at = rec.updated_at = started;
  const process_info& p = this_process();
  rec.pid = p.pid;
  rec.host = p.host;
  rec.boot_id = p.boot_id;
  return rec;
}

/// The full config, its schema and per-field digests, kept on executed runs.
template <class Adapter, class... Opts>
void describe_config(run_record& rec, const Opts&... opts) {
  if constexpr (has_kind<config<void>, Opts...>) {
    config_description d = Adapter::describe(get_kind<config<void>>(opts...).value);
    rec.config = std::move(d.json);
    rec.identity.schema_hash = d.schema_hash;
    for (const auto& f : d.fields) rec.config_fields.emplace_back(f.path, to_hex(f.digest));
  }
}

/// A named scope (a trace, a scenario header) resolved through the one path,
/// with the record it starts from.
struct scope_start {
  resolved_invocation inv;
  run_record base;
};

template <class Adapter, class... Opts>
scope_start start_scope(const resolution_context& ctx, std::string_view scope_name, const run_placement& where,
                        const Opts&... opts) {
  using Config = config_type_t<Opts...>;
  if constexpr (!std::is_void_v<Config>) static_assert(check_config_adaptable<Adapter, Config>());
  const timestamp started = now();
  scope_start s{resolve_invocation<Adapter>(ctx, name{std::string(scope_name)}, opts...), {}};
  s.base = base_record(s.inv, started, choose_run_id(s.inv, where), where);
  describe_config<Adapter>(s.base, opts...);
  return s;
}

/// On a hit with cache_validation::eager: the first cached output that is
/// missing or whose fingerprint changed, as a reason; empty when all are intact.
CONSIST_DECL std::string stale_output(const run_store& store, const cache_entry& entry,
                                      const std::filesystem::path& run_dir);

CONSIST_DECL std::map<std::string, artifact> load_outputs(const run_store& store, const cache_entry& entry);

/// The outcome of the signature lookup: the entry to reuse, or on a miss a
/// reason that prefixes the explanation (empty when it is a plain miss). A run
/// whose output_policy_options::missing is error misses a run that lacks one
/// of its declared outputs; with eager validation, one whose outputs changed.
struct cache_lookup {
  std::optional<cache_entry> entry;
  std::string why;
};

CONSIST_DECL cache_lookup look_up(const run_store& store, const resolved_invocation& inv,
                                  const std::filesystem::path& run_dir);

/// The record a hit leaves (status completed, meta cache_hit / cache_source).
template <invocation_ref Inv>
run_record hit_record(Inv&& inv, const cache_entry& entry, timestamp started, std::string id,
                      const run_placement& where) {
  run_record rec = base_record(std::forward<Inv>(inv), started, std::move(id), where);
  rec.status = run_status::completed;
  rec.ended_at = now();
  rec.cache_hit = true;
  rec.cache_source = entry.run_id;
  if (rec.meta.empty()) {  // the usual case: nothing to replace, so no lookups
    rec.meta.reserve(2);
    rec.meta.emplace("cache_hit", true);
    rec.meta.emplace("cache_source", entry.run_id);
  } else {
    rec.meta.reserve(rec.meta.size() + 2);
    rec.meta["cache_hit"] = true;
    rec.meta["cache_source"] = entry.run_id;
  }
  return rec;
}

/// The value a hit restores; an identity_error when the reused run returned
/// none, or a value of another type (a hit that cannot restore its value is no hit).
template <class R>
R restore_cached_value(const std::string& name, const cache_entry& entry) {
  if (entry.value.empty())
    throw identity_error("run '" + name + "' has the identity of run " + entry.run_id + ", which returned no value",
                         "a trace, or a step returning void, has the same name, config and inputs",
                         "give one of them another consist::name / consist::model, or set "
                         "cache_options{.version = ...} on one of them");
  if (const auto stored = stored_schema_hash(entry.value); stored && *stored != schema_hash<R>())
    throw identity_error("run '" + name + "' has the identity of run " + entry.run_id +
                             ", which returned a value of another type",
                         "a step with the same name, config and inputs returns another type (two steps share a "
                         "name, or the return type changed while the code identity, such as an explicit "
                         "consist::code_version, stayed the same)",
                         "give one of them another consist::name / consist::model, or set "
                         "cache_options{.version = ...} (or a new code_version) where the return type changed");
  return deserialize<R>(entry.value);
}

/// Writes a hit per record_hits: through the group-commit queue (never a
/// disk sync on the caller's path), as a reuse counter, or not at all. A hit
/// whose id was given (consist::run_id) keeps it: an id that names another
/// run is a usage_error, as on a miss, and nothing is recorded; its record is
/// written at once (run_store::add_run), so the id is checked where it is
/// written and never drawn again.
CONSIST_DECL void write_hit(run_store& store, cache_mode mode, hit_recording record_hits, const run_record& rec,
                            bool given_id);

/// A plain input file as an artifact whose id derives from its location and
/// fingerprint, so the same file read by many runs is one artifact.
CONSIST_DECL artifact input_file_artifact(const run_store& store, const std::string& key,
                                          const std::filesystem::path& p, const std::filesystem::path& run_dir,
                                          const fingerprint& fp, timestamp when);

/// A run's own output folder: {run_dir}/outputs/{model}/{run_id}.
CONSIST_DECL std::filesystem::path output_dir_of(const std::filesystem::path& run_dir, const std::string& model,
                                                 const std::string& run_id);

/// What a step sees: its id, its inputs' locations, where to write.
CONSIST_DECL run_context context_of(const resolved_invocation& inv, const std::filesystem::path& run_dir,
                                    const std::string& run_id);

/// The spans of one executing run: collected from construction until taken.
class run_spans {
 public:
  CONSIST_DECL explicit run_spans(bool on);
  /// Moves the spans into the record; throws usage_error when sites overflowed.
  CONSIST_DECL void take_into(run_record& rec);
  /// The same on a failure path: the failure record matters more than its timings.
  CONSIST_DECL void take_into_nothrow(run_record& rec) noexcept;

 private:
  std::optional<span_collection> collection_;
};

/// How an executing_run records that it started: through the background
/// writer (run_store::start_run, the caller does not wait; a run that ends
/// within the writer's linger leaves only its final record), or written now
/// (begin_run: a scenario header, whose steps name it as their parent).
enum class run_start : std::uint8_t { queued, now };

/// An executing_run's output folder: `fresh` for a run about to execute, whose
/// folder must hold nothing yet (files another run left there under this id,
/// a readonly run's or those of a run the store records, would be taken for
/// this run's outputs or overwritten by them); `in_use` for a trace demoted
/// from a hit, whose body already writes there.
enum class output_folder : std::uint8_t { fresh, in_use };

/// A run that executes (a miss). The constructor explains the miss, links the
/// inputs and records the `running` record (see run_start); complete() or
/// fail() ends it with one commit and a snapshot (nothing is written in
/// cache_mode::readonly). A fresh run whose output folder already holds files
/// draws another id, or, when its id was given (or is a scenario step's), is a
/// usage_error before anything is recorded.
class executing_run {
 public:
  CONSIST_DECL executing_run(run_store& store, std::filesystem::path run_dir, const resolved_invocation& inv,
                             run_record rec, std::string_view why, run_start start = run_start::queued,
                             output_folder folder = output_folder::fresh);

  run_record& record() noexcept { return rec_; }
  const run_record& record() const noexcept { return rec_; }
  bool writes() const noexcept { return writes_; }

  // A generated id is "<name>_<8 hex>": two runs can draw the same one, and
  // the store refuses to reuse it, so draw again from a new start. A given id
  // (run_id{...}) or a scenario step id is deterministic: a clash there is
  // the caller's error and start_run (begin_run) reports it.
  CONSIST_DECL void begin(const resolved_invocation& inv, run_start start);

  /// Whether the run's id was drawn (neither given by consist::run_id nor a scenario step's).
  CONSIST_DECL bool drawn_id(const resolved_invocation& inv) const;
  /// Draws another id (after a collision), carried into the links made so far.
  CONSIST_DECL void draw_another_id(const resolved_invocation& inv);

  /// Makes sure the output folder holds no files before fn writes there (see output_folder).
  CONSIST_DECL void claim_output_folder(const resolved_invocation& inv);

  std::filesystem::path output_dir() const { return output_dir_of(run_dir_, rec_.model_name, rec_.id); }

  /// Links an input; `introduces` stores the artifact record with the run.
  CONSIST_DECL void link_input(const std::string& key, const artifact& a, bool introduces);

  /// Makes `a` an output: an artifact without a producer becomes this run's
  /// (its producer fields are set in place); one another run produced is
  /// linked as it is.
  CONSIST_DECL void add_output(const std::string& key, artifact& a);

  CONSIST_DECL void add_warnings(const std::vector<std::string>& warnings);

  CONSIST_DECL void merge_meta(const boost::json::object& m);

  /// Ends the run completed. With `value`, the run becomes a cache candidate
  /// (its signature index entry holds the value and the outputs).
  CONSIST_DECL void complete(const std::vector<std::uint8_t>* value);

  /// Ends the run failed, keeping what it linked so far; never a cache candidate.
  CONSIST_DECL void fail(std::string error);

 private:
  CONSIST_DECL void explain(const resolved_invocation& inv, std::string_view why);

  // A cache hit's record carries no config: it stands for the run it reused,
  // so candidates are those producers (in the hits' places, once each).
  CONSIST_DECL std::vector<std::shared_ptr<const run_record>> producers_of(
      const std::vector<std::shared_ptr<const run_record>>& runs) const;

  run_store* store_;
  std::filesystem::path run_dir_;
  bool writes_;
  digest128 signature_;
  run_record rec_;
  std::vector<artifact> artifacts_;
  std::vector<std::pair<std::string, std::string>> outputs_;  // key -> artifact id
};

}  // namespace consist::inline v0::detail

#if CONSIST_INCLUDE_IMPL
#include <consist/detail/impl/run_lifecycle.ipp>
#endif
