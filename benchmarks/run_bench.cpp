// tracker.run beside raw LMDB doing the least the same step could do, in the same run:
//  (a) a cache hit as its caller sees it (small config, trivial fn, default
//      options), vs one raw read transaction + get of a value of the same size,
//      in stores of 1e3 and 1e5 runs. Hit records are flushed between chunks,
//      outside the timing: this is the latency, not the background writer.
//  (b) the sustained cost per hit with its record flushed (record_hits full and
//      count), vs a raw durable transaction putting the same number of records.
//  (c) a miss with default (sync) durability vs one raw durable commit of the
//      record's bytes; and with nosync vs one raw MDB_NOSYNC put.
// Targets: (a) <= 2.0x, (c) sync <= 1.5x, nosync <= 10x.
#include <consist.hpp>

#include "bench_support.hpp"

#include <boost/hana/define_struct.hpp>

#include <benchmark/benchmark.h>
#include <lmdb.h>

#include <map>
#include <memory>
#include <string>

using namespace consist_bench;

namespace {

struct step_config {
  BOOST_HANA_DEFINE_STRUCT(step_config, (double, alpha), (int, zones), (std::string, scenario));
};

int trivial(const step_config& c) { return c.zones + 1; }

consist::signature_digest synthetic_signature(std::uint64_t i) { return consist_bench::synthetic_signature(i, 0xa5); }

/// A tracker whose store already holds n runs, and a raw environment with n
/// keys whose values are the size of the benchmarked step's cache entry.
struct fixture {
  std::unique_ptr<consist::tracker> tracker;
  std::unique_ptr<raw_env> raw;
  std::size_t entry_bytes = 0;
};

fixture& populated(std::size_t n) {
  static std::map<std::size_t, fixture> cache;
  fixture& f = cache[n];
  if (f.tracker) return f;
  const auto dir = bench_root() / ("run_" + std::to_string(n));
  f.tracker = std::make_unique<consist::tracker>(consist::tracker_config{
      .store = dir / "store", .run_dir = dir, .durability = consist::durability::nosync, .code_version = "bench"});
  std::vector<consist::run_commit> batch;
  for (std::uint64_t i = 0; i + 1 < n; ++i) {
    consist::run_record r;
    r.id = "filler_" + std::to_string(i);
    r.model_name = "filler";
    r.status = consist::run_status::completed;
    r.signature = consist::to_hex(synthetic_signature(i));
    consist::cache_entry e;
    e.run_id = r.id;
    e.signature = synthetic_signature(i);
    e.value = consist::serialize(static_cast<int>(i));
    batch.push_back({std::move(r), std::move(e), {}});
    if (batch.size() == 2000) {
      f.tracker->store().commit_runs(batch);
      batch.clear();
    }
  }
  if (!batch.empty()) f.tracker->store().commit_runs(batch);
  const auto first = f.tracker->run(trivial, consist::name{"step"}, consist::config{step_config{0.5, 12, "base"}});
  const auto entry = f.tracker->store().find_cached(*consist::digest_from_hex(first.run.signature));
  f.entry_bytes = consist::layout::encode_cache_entry(*entry).size();

  f.raw = std::make_unique<raw_env>("raw_run_" + std::to_string(n), true);
  MDB_txn* t = nullptr;
  mdb_txn_begin(f.raw->env, nullptr, 0, &t);
  const std::string value(f.entry_bytes, 'v');
  for (std::uint64_t i = 0; i < n; ++i) {
    const auto s = synthetic_signature(i);
    f.raw->put(t, std::string(reinterpret_cast<const char*>(s.data()), s.size()), value);
  }
  mdb_txn_commit(t);
  return f;
}

void raw_read(raw_env& raw, std::uint64_t i) {
  const auto s = synthetic_signature(i);
  MDB_txn* t = nullptr;
  mdb_txn_begin(raw.env, nullptr, MDB_RDONLY, &t);
  MDB_val key{s.size(), const_cast<std::uint8_t*>(s.data())}, v{};
  if (mdb_get(t, raw.dbi, &key, &v) != 0) std::abort();
  benchmark::DoNotOptimize(v.mv_data);
  mdb_txn_abort(t);
}

void hit_latency_vs_raw_get(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  fixture& f = populated(n);
  constexpr std::size_t chunk = 256;
  const step_config cfg{0.5, 12, "base"};
  std::uint64_t j = 0;
  paired(
      state, chunk, [&] { f.tracker->flush(); },
      [&] {
        for (std::size_t k = 0; k < chunk; ++k) {
          auto r = f.tracker->run(trivial, consist::name{"step"}, consist::config{cfg});
          if (!r.cache_hit) std::abort();
          benchmark::DoNotOptimize(r.value);
        }
      },
      [&] {
        for (std::size_t k = 0; k < chunk; ++k) raw_read(*f.raw, j++ % n);
      });
  state.counters["entry_bytes"] = static_cast<double>(f.entry_bytes);
}
BENCHMARK(hit_latency_vs_raw_get)->Arg(1000)->Arg(100000)->Iterations(200);

/// Hits with their records committed durably, against a raw durable
/// transaction that puts one record of the same size per hit.
template <consist::hit_recording Mode>
void sustained_hits_vs_raw_batch(benchmark::State& state) {
  fixture& f = populated(1000);
  constexpr std::size_t chunk = 256;
  const step_config cfg{0.5, 12, "base"};
  const consist::cache_options opts{.record_hits = Mode};
  auto sample = f.tracker->run(trivial, consist::name{"step"}, consist::config{cfg}, opts);
  const std::string record_bytes = consist::record_to_text(sample.run);
  raw_env durable("raw_sustained_" + std::to_string(static_cast<int>(Mode)), false);
  std::uint64_t key = 0;
  paired(
      state, chunk, [] {},
      [&] {
        for (std::size_t k = 0; k < chunk; ++k)
          benchmark::DoNotOptimize(f.tracker->run(trivial, consist::name{"step"}, consist::config{cfg}, opts));
        f.tracker->flush();
      },
      [&] {
        MDB_txn* t = nullptr;
        mdb_txn_begin(durable.env, nullptr, 0, &t);
        for (std::size_t k = 0; k < chunk; ++k) durable.put(t, "run_" + std::to_string(key++), record_bytes);
        if (mdb_txn_commit(t) != 0) std::abort();
      });
}
void sustained_hits_full(benchmark::State& s) { sustained_hits_vs_raw_batch<consist::hit_recording::full>(s); }
void sustained_hits_count(benchmark::State& s) { sustained_hits_vs_raw_batch<consist::hit_recording::count>(s); }
BENCHMARK(sustained_hits_full)->Iterations(40);
BENCHMARK(sustained_hits_count)->Iterations(40);

/// A miss (every call a new config) against one raw commit of the record's bytes.
template <consist::durability D>
void miss_vs_raw_commit(benchmark::State& state) {
  const auto dir = bench_root() / ("miss_" + std::to_string(static_cast<int>(D)));
  consist::tracker t(consist::tracker_config{.store = dir / "store", .run_dir = dir, .durability = D,
                                             .code_version = "bench"});
  raw_env raw("raw_miss_" + std::to_string(static_cast<int>(D)), D == consist::durability::nosync);
  int zones = 0;
  std::string record_bytes;
  {
    auto r = t.run(trivial, consist::name{"step"}, consist::config{step_config{0.5, --zones, "base"}});
    record_bytes = consist::record_to_text(r.run);
  }
  std::uint64_t key = 0;
  paired(
      state, 1, [] {},
      [&] {
        auto r = t.run(trivial, consist::name{"step"}, consist::config{step_config{0.5, --zones, "base"}});
        if (r.cache_hit) std::abort();
      },
      [&] { raw.commit_one("run_" + std::to_string(key++), record_bytes); });
}
void miss_sync(benchmark::State& s) { miss_vs_raw_commit<consist::durability::sync>(s); }
void miss_nosync(benchmark::State& s) { miss_vs_raw_commit<consist::durability::nosync>(s); }
BENCHMARK(miss_sync)->Iterations(300);
BENCHMARK(miss_nosync)->Iterations(3000);

}  // namespace

CONSIST_BENCH_MAIN()
