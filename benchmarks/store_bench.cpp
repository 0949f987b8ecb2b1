// The store beside raw LMDB doing the same work, in the same run:
//  (a) find_cached          vs mdb_txn_begin(RDONLY) + mdb_get + abort of a same-sized value, at 1e3 and 1e5 entries
//      (and the overload that reuses the caller's cache_entry)
//  (b) commit_run (sync)    vs one durable mdb_put + commit of the record's bytes
//      start_run + commit_run (what a miss costs the store) vs the same
//  (c) commit_run (nosync)  vs one MDB_NOSYNC put + commit
//  (d) enqueue + flush      vs one durable transaction putting the same records, per record
// Each pair runs alternately in one benchmark; ratios (ours / raw) are
// printed at the end. Targets: (a) <= 1.5x, (b) <= 1.3x.
#include <consist/store/record_codec.hpp>
#include <consist/store/store.hpp>

#include "bench_support.hpp"

#include <benchmark/benchmark.h>
#include <lmdb.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

using namespace consist;
using namespace consist_bench;

namespace {

signature_digest sig(std::uint64_t i) { return synthetic_signature(i, 0x5a); }

run_record make_record(const std::string& id, std::uint64_t i) {
  run_record r;
  r.id = id;
  r.model_name = "demand";
  r.status = run_status::completed;
  r.tags = {"bench"};
  r.signature = detail::hex_encode(sig(i));
  r.identity.signature = r.signature;
  r.config = {{"alpha", 0.5}, {"zones", 1200}, {"scenario", "base"}};
  r.created_at = r.started_at = r.updated_at = timestamp(std::chrono::nanoseconds(1'700'000'000'000'000'000 + i));
  r.ended_at = r.created_at;
  r.links = {{id, "artifact-" + std::to_string(i), "result", link_direction::output}};
  return r;
}

cache_entry make_entry(const run_record& r, std::uint64_t i) {
  cache_entry e;
  e.run_id = r.id;
  e.signature = sig(i);
  e.created_at = r.created_at;
  e.value.assign(64, 0x42);
  e.outputs = {{"result", "artifact-" + std::to_string(i)}};
  return e;
}

std::shared_ptr<run_store> make_store(const std::string& name, durability d) {
  store_options o;
  o.path = bench_root() / name;
  o.durability = d;
  return run_store::open(o);
}

// ---- (a) the hit path -------------------------------------------------------

struct populated {
  std::shared_ptr<run_store> store;
  std::unique_ptr<raw_env> raw;
  std::size_t value_size = 0;
};

populated& population(std::size_t n) {
  static std::map<std::size_t, populated> cache;
  auto& p = cache[n];
  if (p.store) return p;
  p.store = make_store("hits_" + std::to_string(n), durability::nosync);
  p.raw = std::make_unique<raw_env>("raw_hits_" + std::to_string(n), true);
  std::vector<run_commit> batch;
  MDB_txn* t = nullptr;
  mdb_txn_begin(p.raw->env, nullptr, 0, &t);
  for (std::uint64_t i = 0; i < n; ++i) {
    auto r = make_record("run_" + std::to_string(i), i);
    auto e = make_entry(r, i);
    const auto bytes = layout::encode_cache_entry(e);
    p.value_size = bytes.size();
    const auto s = sig(i);
    p.raw->put(t, std::string(reinterpret_cast<const char*>(s.data()), s.size()), bytes);
    batch.push_back({std::move(r), std::move(e), {}});
    if (batch.size() == 2000) {
      p.store->commit_runs(batch);
      batch.clear();
    }
  }
  if (!batch.empty()) p.store->commit_runs(batch);
  mdb_txn_commit(t);
  return p;
}

/// The reference: `count` raw read transactions with one get each.
void raw_gets(populated& p, std::uint64_t& j, std::uint64_t n, std::size_t count) {
  for (std::size_t k = 0; k < count; ++k) {
    const auto s = sig(j++ % n);
    MDB_txn* t = nullptr;
    mdb_txn_begin(p.raw->env, nullptr, MDB_RDONLY, &t);
    MDB_val key{s.size(), const_cast<std::uint8_t*>(s.data())}, v{};
    if (mdb_get(t, p.raw->dbi, &key, &v) != 0) std::abort();
    benchmark::DoNotOptimize(v.mv_data);
    mdb_txn_abort(t);
  }
}

void find_cached_vs_raw_get(benchmark::State& state) {
  const auto n = static_cast<std::uint64_t>(state.range(0));
  auto& p = population(static_cast<std::size_t>(n));
  constexpr std::size_t chunk = 1000;
  std::uint64_t i = 0, j = 0;
  paired(
      state, chunk, [] {},
      [&] {
        for (std::size_t k = 0; k < chunk; ++k) {
          auto e = p.store->find_cached(sig(i++ % n));
          if (!e) std::abort();
          benchmark::DoNotOptimize(e);
        }
      },
      [&] { raw_gets(p, j, n, chunk); });
  state.counters["value_bytes"] = static_cast<double>(p.value_size);
}
BENCHMARK(find_cached_vs_raw_get)->Arg(1000)->Arg(100000);

// The same with the caller's entry reused (the overload for lookups in a loop).
void find_cached_reuse_vs_raw_get(benchmark::State& state) {
  const auto n = static_cast<std::uint64_t>(state.range(0));
  auto& p = population(static_cast<std::size_t>(n));
  constexpr std::size_t chunk = 1000;
  std::uint64_t i = 0, j = 0;
  cache_entry e;
  paired(
      state, chunk, [] {},
      [&] {
        for (std::size_t k = 0; k < chunk; ++k) {
          if (!p.store->find_cached(sig(i++ % n), e)) std::abort();
          benchmark::DoNotOptimize(e);
        }
      },
      [&] { raw_gets(p, j, n, chunk); });
}
BENCHMARK(find_cached_reuse_vs_raw_get)->Arg(1000)->Arg(100000);

// ---- (b), (c) one commit per run --------------------------------------------

template <durability D, bool WithStart>
void commit_vs_raw(benchmark::State& state) {
  const bool nosync = D == durability::nosync;
  const std::string name = std::string(nosync ? "nosync" : "sync") + (WithStart ? "_start" : "");
  auto store = make_store("commit_" + name, D);
  raw_env raw("raw_commit_" + name, nosync);
  static std::uint64_t i = 0;  // repetitions reopen the same store: new ids every time
  run_record r;
  cache_entry e;
  std::string text;
  paired(
      state, 1,
      [&] {
        ++i;
        r = make_record("c_" + std::to_string(i), i);
        e = make_entry(r, i);
        text = record_to_text(r);
      },
      [&] {
        if constexpr (WithStart) {
          r.status = run_status::running;
          store->start_run(r);
          r.status = run_status::completed;
        }
        store->commit_run(r, &e, {});
      },
      [&] { raw.commit_one(r.id, text); });
}
void commit_run_sync(benchmark::State& s) { commit_vs_raw<durability::sync, false>(s); }
void start_and_commit_run_sync(benchmark::State& s) { commit_vs_raw<durability::sync, true>(s); }
void commit_run_nosync(benchmark::State& s) { commit_vs_raw<durability::nosync, false>(s); }
BENCHMARK(commit_run_sync)->Iterations(400);
BENCHMARK(start_and_commit_run_sync)->Iterations(400);
BENCHMARK(commit_run_nosync)->Iterations(20000);

// ---- (d) group commit ----------------------------------------------------------

void enqueue_flush_vs_raw_batch(benchmark::State& state) {
  constexpr std::size_t group = 1000;
  auto store = make_store("group", durability::sync);
  raw_env raw("raw_group", false);
  static std::uint64_t i = 0;  // repetitions reopen the same store: new ids every time
  std::vector<run_record> records;
  std::vector<std::pair<std::string, std::string>> texts;
  auto next_group = [&] {
    records.clear();
    texts.clear();
    for (std::size_t k = 0; k < group; ++k, ++i) {
      records.push_back(make_record("g_" + std::to_string(i), i));
      texts.emplace_back(records.back().id, record_to_text(records.back()));
    }
  };
  paired(
      state, group, next_group,
      [&] {
        for (auto& r : records) store->enqueue(std::move(r));
        store->flush();
      },
      [&] {
        MDB_txn* t = nullptr;
        mdb_txn_begin(raw.env, nullptr, 0, &t);
        for (const auto& [k, v] : texts) raw.put(t, k, v);
        if (mdb_txn_commit(t) != 0) std::abort();
      });
}
BENCHMARK(enqueue_flush_vs_raw_batch)->Iterations(40);

}  // namespace

CONSIST_BENCH_MAIN()
