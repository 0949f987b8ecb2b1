#pragma once
// What the ranks of an MPI run do (consist/mpi.hpp), over a transport that
// moves bytes between them; mpi.hpp gives the MPI one. A Transport has
//   int rank() const; int size() const;
//   void broadcast(std::vector<std::uint8_t>&);    rank 0's bytes to every rank
//   std::vector<std::vector<std::uint8_t>> gather(const std::vector<std::uint8_t>&);
//                                                  every rank's bytes at rank 0
//   std::size_t gather_budget() const;             the most one rank may gather
//   void all_and(std::span<std::uint64_t>);        bitwise AND over the ranks
// The steps, every rank in the same order:
//   1. resolve (rank 0 also looks the signature up and prepares its answer,
//      while the others resolve); all_and of the signature, its complement,
//      rank 0's tracker settings digest and an ok flag: agreement needs one
//      reduction. On disagreement rank 0 gathers the identities, judges and
//      broadcasts, and nothing is recorded.
//   2. rank 0 records the hit or begins the miss, and broadcasts the
//      decision (with the stored bytes on a hit).
//   3. on a miss every rank calls fn, then rank 0 gathers the reports
//      (failure, value digest, spans), ends the run and broadcasts how.
// Every error that must reach all ranks leaves as mpi_verdict_raised (turned
// into the public error types by mpi.hpp) or as the consist::error subclass
// rank 0 met.

#include <consist/detail/invoke_step.hpp>
#include <consist/detail/mpi_meta.hpp>
#include <consist/detail/mpi_span_reduce.hpp>
#include <consist/detail/mpi_verdicts.hpp>
#include <consist/detail/mpi_wire.hpp>
#include <consist/detail/option_access.hpp>
#include <consist/detail/outputs.hpp>
#include <consist/detail/run_lifecycle.hpp>
#include <consist/encode/serialize.hpp>
#include <consist/error.hpp>
#include <consist/record.hpp>
#include <consist/resolve.hpp>
#include <consist/store/record_codec.hpp>
#include <consist/tracker.hpp>

#include <array>
#include <cstdint>
#include <cstring>
#include <exception>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace consist::inline v0::detail {

/// Thrown on every rank when the ranks cannot go on together; `local` is
/// this rank's own exception, when it has one.
struct mpi_verdict_raised {
  mpi_verdict verdict;
  std::exception_ptr local;
};

inline std::uint64_t digest_word(const digest128& d, std::size_t half) {
  std::uint64_t x = 0;
  std::memcpy(&x, d.data() + 8 * half, sizeof x);
  return x;
}

inline digest128 bytes_digest(const std::vector<std::uint8_t>& bytes) {
  hash_sink sink;
  sink.write(bytes);
  return sink.finish();
}

/// The tracker settings every rank resolves with. Their digest is never
/// zero: zero stands for "no settings".
inline mpi_context context_of_tracker(const tracker& t) {
  const resolution_context& r = t.resolution();
  return {true, r.hashing, r.code_version, r.run_dir.string(), t.config().tracing};
}
inline digest128 context_digest(const mpi_context& c) {
  digest128 d = bytes_digest(serialize(c));
  d[0] |= 1;
  return d;
}
inline bool same_settings(const mpi_context& c, const tracker& t) {
  const resolution_context& r = t.resolution();
  return c.has_tracker && c.hashing == r.hashing && c.code_version == r.code_version &&
         c.run_dir == r.run_dir.native() && c.tracing == t.config().tracing;
}

/// Rank 0's settings and their digest, computed again only when its tracker's differ.
struct mpi_context_sent {
  mpi_context context;
  digest128 digest{};
};
inline const mpi_context_sent& settings_of(const tracker& t) {
  thread_local mpi_context_sent sent;
  if (sent.digest == digest128{} || !same_settings(sent.context, t)) {
    sent.context = context_of_tracker(t);
    sent.digest = context_digest(sent.context);
  }
  return sent;
}
/// What a tracker built from `c` would resolve with.
inline resolution_context resolution_of(const mpi_context& c) {
  resolution_context r;
  r.hashing = c.hashing;
  r.code_version = c.code_version;
  r.run_dir = c.run_dir;
  r.precompute_code_identity();
  return r;
}

/// The settings a rank other than 0 last received, per thread: rank 0 sends
/// them again only when the ranks' digests of them disagree.
struct mpi_context_cache {
  std::optional<mpi_context> context;
  digest128 digest{};
  resolution_context resolution;  // resolution_of(*context)
};
inline mpi_context_cache& received_context() {
  thread_local mpi_context_cache cache;
  return cache;
}

template <class... Opts>
std::string step_label(const Opts&... opts) {
  if constexpr (has_kind<name, Opts...>) return get_kind<name>(opts...).value;
  else if constexpr (has_kind<model, Opts...>) return get_kind<model>(opts...).value;
  else return "(unnamed)";
}

[[noreturn]] inline void throw_no_tracker() {
  throw usage_error("consist::mpi::run was called with no tracker on rank 0",
                    "rank 0 owns the store and passed nullptr as store_owner",
                    "pass the tracker on rank 0: consist::mpi::run(comm, rank == 0 ? &t : nullptr, fn, ...)");
}

inline string_pairs outputs_to_wire(const std::map<std::string, artifact>& outputs) {
  string_pairs out;
  for (const auto& [key, a] : outputs) out.emplace_back(key, artifact_to_text(a));
  return out;
}
inline std::map<std::string, artifact> outputs_from_wire(const string_pairs& wire) {
  std::map<std::string, artifact> out;
  for (const auto& [key, text] : wire) out.emplace(key, artifact_from_text(text, "output '" + key + "' from rank 0"));
  return out;
}

/// Rank 0 gathers every rank's identity (`local`: this rank could not
/// resolve), judges and broadcasts; every rank throws the verdict.
template <class Adapter, class Transport, class... Opts>
[[noreturn]] void settle_disagreement(Transport& tx, std::exception_ptr local, const resolved_invocation& inv,
                                      const Opts&... opts) {
  rank_identity mine;
  try {
    if (local) std::rethrow_exception(local);
    run_record described;
    describe_config<Adapter>(described, opts...);
    mine = describe_rank_identity(inv.identity, described.config_fields);
  } catch (...) {
    mine.problem = capture_error(std::current_exception());
  }
  auto bytes = serialize(mine);
  if (bytes.size() > tx.gather_budget()) {
    mine.config_fields.clear();
    bytes = serialize(mine);
  }
  const auto gathered = tx.gather(bytes);
  std::vector<std::uint8_t> verdict;
  if (tx.rank() == 0) {
    mpi_verdict v;
    try {
      std::vector<rank_identity> all;
      for (const auto& b : gathered) all.push_back(deserialize<rank_identity>(b));
      v = judge_rank_identities(step_label(opts...), all);
    } catch (...) {
      const wire_error e = capture_error(std::current_exception());
      v = {verdict_kind::failure, e.problem, e.cause, e.fix, {0}, {}};
    }
    verdict = serialize(v);
  }
  tx.broadcast(verdict);
  throw mpi_verdict_raised{deserialize<mpi_verdict>(verdict), local};
}

/// Resolves the options on every rank and checks that all ranks agree on the
/// signature, and on rank 0's tracker settings (sent again when they do not).
/// On rank 0, `prepare(inv)` runs between its resolution and the check, so
/// that its work overlaps the other ranks' resolution.
template <class Adapter, class Transport, class Prepare, class... Opts>
resolved_invocation agree_on_identity(Transport& tx, tracker* owner, mpi_context& context, Prepare&& prepare,
                                      const Opts&... opts) {
  const int rank = tx.rank();
  mpi_context_cache& cache = received_context();
  digest128 context_id{};  // zero: this rank has no settings yet
  if (rank == 0 && owner != nullptr) {
    const mpi_context_sent& sent = settings_of(*owner);
    context = sent.context;
    context_id = sent.digest;
  } else if (rank != 0 && cache.context) {
    context = *cache.context;
    context_id = cache.digest;
  }
  for (bool resent = false;; resent = true) {
    resolved_invocation inv;
    std::exception_ptr local;
    if (rank != 0 && owner != nullptr) {
      local = std::make_exception_ptr(usage_error(
          "rank " + std::to_string(rank) + " passed a tracker to consist::mpi::run",
          "only rank 0 owns the store; the other ranks must not record the run themselves",
          "pass nullptr on every rank but 0: consist::mpi::run(comm, rank == 0 ? &t : nullptr, fn, ...)"));
    } else if (context_id != digest128{}) {
      try {
        inv = resolve_invocation<Adapter>(rank == 0 ? owner->resolution() : cache.resolution, opts...);
      } catch (...) {
        local = std::current_exception();
      }
    }
    if (rank == 0 && owner != nullptr && !local) prepare(std::as_const(inv));
    const digest128 sig = local ? digest128{} : inv.signature;
    // Every rank had the same x exactly when the AND of x over the ranks is
    // the complement of the AND of ~x.
    std::array<std::uint64_t, 9> words{digest_word(sig, 0),         digest_word(sig, 1),
                                       ~digest_word(sig, 0),        ~digest_word(sig, 1),
                                       digest_word(context_id, 0),  digest_word(context_id, 1),
                                       ~digest_word(context_id, 0), ~digest_word(context_id, 1),
                                       local ? 0u : 1u};
    tx.all_and(words);
    const bool same_context = words[4] == ~words[6] && words[5] == ~words[7];
    if (same_context && words[4] == 0 && words[5] == 0) throw_no_tracker();
    if (!same_context) {
      if (resent)
        throw error("the ranks still disagree on rank 0's tracker settings after receiving them",
                    "another operation used the communicator between consist's collectives",
                    "call consist::mpi::run on every rank of the communicator at the same point of the program");
      std::vector<std::uint8_t> bytes;
      if (rank == 0) bytes = serialize(owner ? context : mpi_context{false, {}, {}, {}, false});
      tx.broadcast(bytes);
      if (rank == 0 && !owner) throw_no_tracker();
      if (rank != 0) {
        context = deserialize<mpi_context>(bytes);
        if (!context.has_tracker) throw_no_tracker();
        context_id = context_digest(context);
        cache.context = context;
        cache.digest = context_id;
        cache.resolution = resolution_of(context);
      }
      continue;
    }
    if (words[0] == ~words[2] && words[1] == ~words[3] && words[8] == 1) return inv;
    settle_disagreement<Adapter>(tx, local, inv, opts...);
  }
}

// GCC 12 cannot follow `value` below through the collectives (it is set
// whenever it is read) and warns that it may be used uninitialized.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

/// One run on every rank of the transport; see the top of this header.
template <class Adapter, class Transport, class Fn, class... Opts>
auto run_on_ranks(Transport& tx, tracker* owner, Fn&& fn, const Opts&... opts) {
  static_assert(check_options<run_surface, Opts...>);
  static_assert(has_kind<name, Opts...> || has_kind<model, Opts...>,
                "consist::mpi::run needs a name: pass consist::name{\"step\"} or consist::model{\"step\"}");
  using Config = config_type_t<Opts...>;
  if constexpr (!std::is_void_v<Config>) static_assert(check_config_adaptable<Adapter, Config>());
  using call = step_call<std::remove_reference_t<Fn>, Config, execution_type_t<Opts...>>;
  using R = typename call::result;
  static_assert(std::is_void_v<R> || serializable<R>,
                "the value fn returns must be serializable, so a cache hit can restore it on every rank: return a "
                "reflected struct, a standard type consist encodes, a type with consist_serialize, or void");
  using value_holder = std::conditional_t<std::is_void_v<R>, int, R>;
  using result_type = run_result<R>;

  const timestamp started = now();
  const bool root = tx.rank() == 0;
  const run_placement where{};
  // 1 and 2. Rank 0 prepares its decision before the ranks are known to
  // agree, and records it only after.
  mpi_decision decision{};
  std::exception_ptr root_error;
  std::optional<value_holder> value;
  std::optional<run_record> hit;
  std::map<std::string, artifact> outputs;
  std::string miss_reason;
  const auto prepare = [&](const resolved_invocation& inv) {
    decision = {};
    root_error = nullptr;
    value.reset();
    hit.reset();
    outputs.clear();
    try {
      run_store& store = owner->store();
      cache_lookup lookup = look_up(store, inv, owner->run_dir());
      if (!lookup.entry) {
        decision.kind = decision_kind::miss;
        miss_reason = std::move(lookup.why);
        return;
      }
      if constexpr (!std::is_void_v<R>) {
        value.emplace(restore_cached_value<R>(inv.name, *lookup.entry));
      }
      decision.kind = decision_kind::hit;
      decision.run_id = choose_run_id(inv, where);
      decision.cache_source = lookup.entry->run_id;
      outputs = load_outputs(store, *lookup.entry);
      decision.outputs = outputs_to_wire(outputs);
      hit = hit_record(inv, *lookup.entry, started, decision.run_id, where);
      hit->meta["mpi"] = mpi_meta(tx.size(), {});
      decision.value = std::move(lookup.entry->value);
    } catch (...) {
      root_error = std::current_exception();
      decision = {};
      decision.kind = decision_kind::error;
      decision.error = capture_error(root_error);
    }
  };
  mpi_context context;
  resolved_invocation inv = agree_on_identity<Adapter>(tx, owner, context, prepare, opts...);
  std::optional<executing_run> ex;
  if (root && decision.kind != decision_kind::error) {
    try {
      run_store& store = owner->store();
      if (decision.kind == decision_kind::hit) {
        write_hit(store, inv.mode, inv.record_hits, *hit, !inv.run_id.empty());
      } else {
        run_record base = base_record(inv, started, choose_run_id(inv, where), where);
        describe_config<Adapter>(base, opts...);
        base.meta["mpi"] = mpi_meta(tx.size(), all_ranks(tx.size()));
        ex.emplace(store, owner->run_dir(), inv, std::move(base), miss_reason);
        decision.run_id = ex->record().id;
      }
    } catch (...) {
      root_error = std::current_exception();
      decision = {};
      decision.kind = decision_kind::error;
      decision.error = capture_error(root_error);
    }
  }
  std::vector<std::uint8_t> bytes;
  if (root) bytes = serialize(decision);
  tx.broadcast(bytes);
  if (!root) decision = deserialize<mpi_decision>(bytes);
  if (decision.kind == decision_kind::error) {
    if (root) std::rethrow_exception(root_error);
    raise_error(decision.error);
  }
  if (decision.kind == decision_kind::hit) {
    if (!root) {
      if constexpr (!std::is_void_v<R>) value.emplace(deserialize<R>(decision.value));
      cache_entry source;
      source.run_id = decision.cache_source;
      hit = hit_record(std::move(inv), source, started, decision.run_id, where);
      hit->meta["mpi"] = mpi_meta(tx.size(), {});
      outputs = outputs_from_wire(decision.outputs);
    }
    if constexpr (std::is_void_v<R>) return result_type{std::move(*hit), std::move(outputs), true};
    else return result_type{std::move(*value), std::move(*hit), std::move(outputs), true};
  }

  // 3. A miss: every rank executes, in the output folder rank 0 chose.
  const std::filesystem::path run_dir = root ? owner->run_dir() : std::filesystem::path(context.run_dir);
  run_context ctx = context_of(inv, run_dir, decision.run_id);
  const typename call::C* cfg = nullptr;
  if constexpr (!std::is_void_v<Config>) cfg = &get_kind<config<void>>(opts...).value;
  auto exec_args = [&]() -> auto {
    if constexpr (has_kind<execution_options<>, Opts...>) return get_kind<execution_options<>>(opts...).args;
    else return std::tuple<>{};
  }();
  std::exception_ptr failure;
  run_record local;  // receives this rank's spans
  std::vector<std::uint8_t> value_bytes;
  {
    // Started inside the try: a rank that cannot collect (a CONSIST_TRACING
    // that is no switch) fails the run like an exception in fn, on every rank.
    std::optional<run_spans> spans;
    try {
      spans.emplace(context.tracing);
      if constexpr (std::is_void_v<R>) {
        call::call(fn, cfg, ctx, exec_args);
        value.emplace(0);
      } else {
        value.emplace(call::call(fn, cfg, ctx, exec_args));
        value_bytes = serialize(*value);
      }
      spans->take_into(local);
    } catch (...) {
      failure = std::current_exception();
      if (spans) spans->take_into_nothrow(local);
    }
  }
  rank_report report{};
  report.failed = static_cast<bool>(failure);
  if (failure) report.error = capture_error(failure);
  if (!failure && !std::is_void_v<R>) report.value_digest = bytes_digest(value_bytes);
  for (const auto& s : local.span_stats) report.spans.push_back(to_wire(s));
  if (const auto* e = local.meta.if_contains("spans_error"); e && e->is_string()) report.spans_error = e->as_string();
  bytes = serialize(report);
  if (bytes.size() > tx.gather_budget()) {
    report.spans.clear();
    report.spans_error = "rank " + std::to_string(tx.rank()) + " had too many span sites to send";
    bytes = serialize(report);
  }
  const auto gathered = tx.gather(bytes);

  // Rank 0 ends the run and tells the others how it ended.
  mpi_outcome outcome{};
  collected_outputs produced;
  if (root) {
    try {
      std::vector<rank_report> reports;
      std::vector<std::vector<span_stat>> spans_by_rank(gathered.size());
      std::string spans_errors;
      for (std::size_t r = 0; r < gathered.size(); ++r) {
        const rank_report& rep = reports.emplace_back(deserialize<rank_report>(gathered[r]));
        for (const auto& s : rep.spans) spans_by_rank[r].push_back(from_wire(s));
        if (rep.spans_error.empty()) continue;
        if (!spans_errors.empty()) spans_errors += "; ";
        spans_errors += "rank " + std::to_string(r) + ": " + rep.spans_error;
      }
      rank_span_reduction reduced = reduce_rank_spans(spans_by_rank);
      run_record& rec = ex->record();
      rec.span_stats = std::move(reduced.merged);
      rec.span_ranks = std::move(reduced.per_site);
      if (!spans_errors.empty()) rec.meta["spans_error"] = spans_errors;
      ex->merge_meta(ctx.meta());
      std::string record_error;
      outcome.failure = judge_reports(inv.name, rec.id, reports, record_error);
      if (!outcome.failure.ranks.empty()) {
        rec.meta["mpi"].as_object()["failed_ranks"] = rank_ranges(outcome.failure.ranks);
        outcome.kind = outcome_kind::failed;
        ex->fail(record_error);
      } else {
        produced = collect_outputs(ex->output_dir(), inv.output_keys, inv.output_policy, owner->run_dir(),
                                   owner->config().hashing, owner->config().allow_external_outputs);
        for (auto& [key, a] : produced.by_key) ex->add_output(key, a);
        ex->add_warnings(produced.warnings);
        ex->complete(&value_bytes);
        outcome.kind = outcome_kind::completed;
        outcome.record = record_to_text(ex->record());
        outcome.outputs = outputs_to_wire(produced.by_key);
      }
    } catch (...) {
      root_error = std::current_exception();
      try {
        if (ex->record().status == run_status::running) ex->fail(describe_exception(root_error));
      } catch (...) {
        // The error that ended the run is the one to report.
      }
      outcome = {};
      outcome.kind = outcome_kind::error;
      outcome.error = capture_error(root_error);
    }
    bytes = serialize(outcome);
  }
  tx.broadcast(bytes);
  if (!root) outcome = deserialize<mpi_outcome>(bytes);
  if (outcome.kind == outcome_kind::error) {
    if (root) std::rethrow_exception(root_error);
    raise_error(outcome.error);
  }
  if (outcome.kind == outcome_kind::failed) throw mpi_verdict_raised{std::move(outcome.failure), failure};

  run_record rec = root ? std::move(ex->record()) : record_from_text(outcome.record, "the record sent by rank 0");
  outputs = root ? std::move(produced.by_key) : outputs_from_wire(outcome.outputs);
  if constexpr (std::is_void_v<R>) return result_type{std::move(rec), std::move(outputs), false};
  else return result_type{std::move(*value), std::move(rec), std::move(outputs), false};
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

}  // namespace consist::inline v0::detail
