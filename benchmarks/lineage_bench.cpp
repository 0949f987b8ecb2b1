// Lineage of an artifact at the end of a 25-run chain, in a store of 1e5 runs
// (target: under 1 ms), beside the same walk done by hand with raw LMDB and
// Boost.JSON: per step, get the artifact, parse it, get its producing run,
// parse it, take the input link. The reference holds the same record texts
// (and as many filler entries) in one plain LMDB database.
//
// The store is built with run_store::commit_runs in batches, durability nosync.
#include <consist/queries.hpp>
#include <consist/store/record_codec.hpp>
#include <consist/store/store.hpp>

#include "bench_support.hpp"

#include <benchmark/benchmark.h>
#include <boost/json/parse.hpp>
#include <lmdb.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

using namespace consist;
using namespace consist_bench;

namespace {

constexpr std::size_t total_runs = 100000;
constexpr std::size_t chain_length = 25;

timestamp at(std::uint64_t i) { return timestamp(std::chrono::nanoseconds(1'700'000'000'000'000'000 + i)); }

/// A record shaped like a real one: config, identity, one input, one output.
run_record make_run(std::uint64_t i, const std::string& input_artifact, const std::string& output_artifact) {
  run_record r;
  r.id = "run_" + std::to_string(i);
  r.model_name = i < chain_length ? "chain" : "filler";
  r.status = run_status::completed;
  r.tags = {"bench"};
  r.config = {{"alpha", 0.5}, {"zones", 1200}, {"scenario", "base"}, {"iteration", static_cast<std::int64_t>(i)}};
  r.config_fields = {{"alpha", std::string(32, 'a')}, {"iteration", std::string(32, 'b')},
                     {"scenario", std::string(32, 'c')}, {"zones", std::string(32, 'd')}};
  r.identity.config_hash = r.config_hash = std::string(32, 'e');
  r.identity.code_mode = "explicit";
  r.identity.code_version = "bench";
  r.identity.model = r.model_name;
  r.created_at = r.started_at = r.updated_at = at(i);
  r.ended_at = r.created_at;
  r.host = "node";
  if (!input_artifact.empty()) r.links.push_back({r.id, input_artifact, "in", link_direction::input});
  r.links.push_back({r.id, output_artifact, "out", link_direction::output});
  return r;
}

artifact make_output(std::uint64_t i, const std::string& producer) {
  artifact a;
  a.id = "art_" + std::to_string(i);
  a.key = "out";
  a.location = "outputs/chain/" + producer + "/out";
  a.driver = "csv";
  a.fingerprint = std::string(32, 'f');
  a.fingerprint_strategy = "content";
  a.size = 4096;
  a.producing_run_id = producer;
  a.created_at = at(i);
  return a;
}

struct population {
  std::shared_ptr<run_store> store;
  std::unique_ptr<raw_env> raw;
  std::string tip;  // the artifact at the end of the chain
};

/// Chain runs 0..24 (run i reads art_{i-1}), then fillers that read nothing
/// of the chain. Each run is also put, as text, into the raw reference.
population& build() {
  static population p;
  if (p.store) return p;
  store_options o;
  o.path = bench_root() / "lineage_store";
  o.durability = durability::nosync;
  o.initial_map_size = std::size_t{1} << 30;
  p.store = run_store::open(o);
  p.raw = std::make_unique<raw_env>("lineage_raw", true);
  MDB_txn* t = nullptr;
  mdb_txn_begin(p.raw->env, nullptr, 0, &t);
  std::vector<run_commit> batch;
  const auto started = std::chrono::steady_clock::now();
  for (std::uint64_t i = 0; i < total_runs; ++i) {
    const std::string in = (i > 0 && i < chain_length) ? "art_" + std::to_string(i - 1) : "";
    auto r = make_run(i, in, "art_" + std::to_string(i));
    auto a = make_output(i, r.id);
    p.raw->put(t, "r/" + r.id, record_to_text(r));
    p.raw->put(t, "a/" + a.id, artifact_to_text(a));
    batch.push_back({std::move(r), std::nullopt, {std::move(a)}});
    if (batch.size() == 5000) {
      p.store->commit_runs(batch);
      batch.clear();
    }
  }
  if (!batch.empty()) p.store->commit_runs(batch);
  if (mdb_txn_commit(t) != 0) std::abort();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("built a store of %zu runs (and the raw reference) in %.1f s\n", p.store->run_count(), secs);
  p.tip = "art_" + std::to_string(chain_length - 1);
  return p;
}

std::string_view raw_get(MDB_txn* t, MDB_dbi dbi, const std::string& key) {
  MDB_val k{key.size(), const_cast<char*>(key.data())}, v{};
  if (mdb_get(t, dbi, &k, &v) != 0) std::abort();
  return {static_cast<const char*>(v.mv_data), v.mv_size};
}

/// The reference walk: raw gets in one read transaction, Boost.JSON parses.
std::size_t raw_walk(raw_env& raw, std::string artifact_id) {
  MDB_txn* t = nullptr;
  mdb_txn_begin(raw.env, nullptr, MDB_RDONLY, &t);
  std::size_t runs = 0;
  while (!artifact_id.empty()) {
    const auto a = boost::json::parse(raw_get(t, raw.dbi, "a/" + artifact_id));
    const std::string producer(a.at("producing_run_id").as_string());
    if (producer.empty()) break;
    const auto r = boost::json::parse(raw_get(t, raw.dbi, "r/" + producer));
    ++runs;
    artifact_id.clear();
    for (const auto& l : r.at("links").as_array())
      if (l.at("direction").as_string() == "input") artifact_id = std::string(l.at("artifact_id").as_string());
  }
  mdb_txn_abort(t);
  return runs;
}

void lineage_25_deep_vs_raw_walk(benchmark::State& state) {
  auto& p = build();
  if (lineage_runs(lineage(*p.store, p.tip)).size() != chain_length || raw_walk(*p.raw, p.tip) != chain_length) {
    state.SkipWithError("the chain is not 25 runs deep");
    return;
  }
  paired(
      state, 1, [] {},
      [&] {
        auto tree = lineage(*p.store, p.tip);
        benchmark::DoNotOptimize(tree);
      },
      [&] { benchmark::DoNotOptimize(raw_walk(*p.raw, p.tip)); });
  state.counters["runs_in_store"] = static_cast<double>(p.store->run_count());
  state.counters["under_1ms"] = state.counters["ours_ns"] < 1e6 ? 1 : 0;
}
BENCHMARK(lineage_25_deep_vs_raw_walk)->Unit(benchmark::kMicrosecond);

}  // namespace

CONSIST_BENCH_MAIN()
