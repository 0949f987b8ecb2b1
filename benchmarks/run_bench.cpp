// tracker.run beside raw LMDB doing the least the same step could do, in the same run:
//  (a) a cache hit as its caller sees it (small config, trivial fn, default
//      options), vs one raw read transaction + get of a value of the same size
//      under the same 16-byte key, in stores of 1e3, 1e4, 1e5 and 1e6 runs.
//      Every stored run is a completed run of the benchmarked step with its
//      own config; the hits cycle through all of them and the raw gets walk
//      the same keys in the same order, so both pay the same B-tree and
//      page-cache costs. Both are warmed first (every key read once in this
//      process). Hit records are flushed between chunks, outside the timing:
//      this is the latency, not the background writer. Beside it, outside the
//      timing, the heap allocations of a hit on the caller's thread.
//  (b) the sustained cost per hit with its record flushed (record_hits full and
//      count), vs a raw durable transaction putting the same number of records.
//  (c) a miss with default (sync) durability vs one raw durable commit of the
//      record's bytes; and with nosync vs one raw MDB_NOSYNC put. Beside it,
//      the miss's JSON snapshot file alone vs the same raw put: written into a
//      file made ahead, as a miss does, and into a new file created on the
//      caller's thread (what the file system charges for creating it).
// Targets: (a) <= 2.0x; (b) <= 2.0x, the same bound as a single hit: recording
// hits must not cost more than twice writing the records by hand; (c) sync
// <= 1.5x, nosync <= 10x.
//
// The stores are filled in bulk through the store layer (run_store::commit_runs,
// large transactions) with synthetic completed records whose signatures are the
// real ones of the step's configs (resolve_invocation, the path run() takes):
// far faster than as many misses through run(), while every measured hit still
// goes through tracker.run.
#include <consist.hpp>
#include <consist/detail/snapshot_file.hpp>

#include "bench_support.hpp"

#include <completed_run.hpp>
#include <counting_new.hpp>  // replaces operator new: counts a hit's allocations

#include <boost/hana/define_struct.hpp>

#include <benchmark/benchmark.h>
#include <lmdb.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

using namespace consist_bench;

namespace {

struct step_config {
  BOOST_HANA_DEFINE_STRUCT(step_config, (double, alpha), (int, zones), (std::string, scenario));
};

int trivial(const step_config& c) { return c.zones + 1; }

step_config config_of(std::uint64_t k) { return step_config{0.5, static_cast<int>(k), "base"}; }

/// A tracker whose store holds n completed runs of the step (configs with
/// zones 0..n-1), and a raw environment holding the same n signatures as keys
/// with values the size of one of those cache entries.
struct fixture {
  std::unique_ptr<consist::tracker> tracker;
  std::unique_ptr<raw_env> raw;
  std::vector<consist::signature_digest> keys;  // keys[k]: the signature of config_of(k)
  std::size_t entry_bytes = 0;
  double fill_seconds = 0;
};

void raw_read(raw_env& raw, const consist::signature_digest& s) {
  MDB_txn* t = nullptr;
  mdb_txn_begin(raw.env, nullptr, MDB_RDONLY, &t);
  MDB_val key{s.size(), const_cast<std::uint8_t*>(s.data())}, v{};
  if (mdb_get(t, raw.dbi, &key, &v) != 0) std::abort();
  benchmark::DoNotOptimize(v.mv_data);
  mdb_txn_abort(t);
}

/// The record and cache entry run() would have committed for config_of(k),
/// with the config and process fields a real run's record has.
consist::run_commit completed_run(const consist::resolved_invocation& inv, std::uint64_t k) {
  const consist::timestamp at(std::chrono::seconds(1'700'000'000) + std::chrono::microseconds(k));
  consist::run_commit c = consist_test::completed_run(inv, consist_test::numbered_id("step_fill_", k, 7),
                                                      consist::serialize(trivial(config_of(k))), at);
  c.record.config = boost::json::object{{"alpha", 0.5}, {"zones", static_cast<std::int64_t>(k)}, {"scenario", "base"}};
  c.record.ended_at = at + std::chrono::milliseconds(3);
  c.record.pid = 4242;
  c.record.host = "bench";
  return c;
}

fixture& populated(std::size_t n) {
  static std::map<std::size_t, fixture> cache;
  fixture& f = cache[n];
  if (f.tracker) return f;
  const auto started = std::chrono::steady_clock::now();
  const auto dir = bench_root() / ("run_" + std::to_string(n));
  f.tracker = std::make_unique<consist::tracker>(
      consist::tracker_config{.store = dir / "store",
                              .run_dir = dir,
                              .durability = consist::durability::nosync,
                              .code_version = "bench",
                              .initial_map_size = std::max<std::size_t>(std::size_t{64} << 20, n * 4096)});
  f.raw = std::make_unique<raw_env>("raw_run_" + std::to_string(n), true);
  f.keys.reserve(n);
  std::vector<consist::run_commit> batch;
  for (std::uint64_t k = 0; k < n; ++k) {
    const auto inv = consist::resolve_invocation<consist::reflect_adapter>(
        f.tracker->resolution(), consist::name{"step"}, consist::config{config_of(k)});
    f.keys.push_back(inv.signature);
    batch.push_back(completed_run(inv, k));
    if (k == 0) f.entry_bytes = consist::layout::encode_cache_entry(*batch.back().entry).size();
    if (batch.size() == 50000 || k + 1 == n) {
      f.tracker->store().commit_runs(batch);
      batch.clear();
    }
  }
  MDB_txn* t = nullptr;
  mdb_txn_begin(f.raw->env, nullptr, 0, &t);
  const std::string value(f.entry_bytes, 'v');
  for (const auto& s : f.keys) f.raw->put(t, std::string(reinterpret_cast<const char*>(s.data()), s.size()), value);
  if (mdb_txn_commit(t) != 0) std::abort();
  // Warm both sides alike: every page of both signature indexes read once in
  // this process, so neither pays first-touch faults inside the timing.
  consist::cache_entry e;
  for (const auto& s : f.keys) {
    if (!f.tracker->store().find_cached(s, e)) std::abort();
    raw_read(*f.raw, s);
  }
  f.fill_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("filled and warmed a store of %zu runs (and the raw reference) in %.1f s\n", n, f.fill_seconds);
  return f;
}

void hit_latency_vs_raw_get(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  fixture& f = populated(n);
  {  // the filled records must be what run() itself would look up
    auto r = f.tracker->run(trivial, consist::name{"step"}, consist::config{config_of(n - 1)});
    if (!r.cache_hit || r.value != trivial(config_of(n - 1))) {
      state.SkipWithError("a run over a filled config missed: the synthetic signatures are not run()'s");
      return;
    }
  }
  constexpr std::size_t chunk = 256;
  std::uint64_t i = 0, j = 0;
  paired(
      state, chunk, [&] { f.tracker->flush(); },
      [&] {
        for (std::size_t c = 0; c < chunk; ++c, ++i) {
          const std::uint64_t k = i % n;
          auto r = f.tracker->run(trivial, consist::name{"step"}, consist::config{config_of(k)});
          if (!r.cache_hit || r.value != static_cast<int>(k) + 1) std::abort();
          benchmark::DoNotOptimize(r.value);
        }
      },
      [&] {
        for (std::size_t c = 0; c < chunk; ++c) raw_read(*f.raw, f.keys[j++ % n]);
      });
  // Outside the timing: the heap allocations of one hit on the caller's
  // thread (the result's destruction included), each hit flushed before the
  // next so that the queue's own buffers never grow inside the count. They
  // must not depend on the store's size (the test unit.hit_allocations pins
  // that at 1e2 and 1e4 runs).
  consist_test::allocation_count counted;
  constexpr std::size_t counted_hits = 256;
  f.tracker->flush();  // the last timed chunk's records
  for (std::size_t c = 0; c < counted_hits; ++c, ++i) {
    const auto one = consist_test::count_allocations([&] {
      benchmark::DoNotOptimize(f.tracker->run(trivial, consist::name{"step"}, consist::config{config_of(i % n)}));
    });
    counted.allocations += one.allocations;
    counted.bytes += one.bytes;
    f.tracker->flush();
  }
  state.counters["allocs_per_hit"] = static_cast<double>(counted.allocations) / counted_hits;
  state.counters["alloc_bytes_per_hit"] = static_cast<double>(counted.bytes) / counted_hits;
  state.counters["entry_bytes"] = static_cast<double>(f.entry_bytes);
  state.counters["runs_in_store"] = static_cast<double>(n);
  state.counters["fill_s"] = f.fill_seconds;
}
BENCHMARK(hit_latency_vs_raw_get)->Arg(1000)->Arg(10000)->Arg(100000)->Arg(1000000)->Iterations(100);

/// Hits with their records committed durably, against a raw durable
/// transaction that puts one record of the same size per hit.
template <consist::hit_recording Mode>
void sustained_hits_vs_raw_batch(benchmark::State& state) {
  fixture& f = populated(1000);
  constexpr std::size_t chunk = 256;
  const step_config cfg = config_of(12);
  const consist::cache_options opts{.record_hits = Mode};
  auto sample = f.tracker->run(trivial, consist::name{"step"}, consist::config{cfg}, opts);
  if (!sample.cache_hit) {
    state.SkipWithError("the sustained-hit config is not stored");
    return;
  }
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
  // Repetitions reopen the same store: continue below every config used so far.
  static int zones = 0;
  std::string record_bytes;
  {
    auto r = t.run(trivial, consist::name{"step"}, consist::config{step_config{0.5, --zones, "base"}});
    record_bytes = consist::record_to_text(r.run);
  }
  static std::uint64_t key = 0;
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

/// What a miss writes besides its commit: the run's JSON snapshot (the text
/// of a miss's record and cache entry, written atomically), against one raw
/// MDB_NOSYNC put + commit of the record's bytes. Not a claim: it shows what
/// the file costs. `Spares`: through a file a background thread created ahead,
/// as a miss writes it; without: a new file created, written and renamed on
/// the caller's thread (write_snapshot), what the file system charges for
/// creating a file. Between two snapshots, outside the timing, 2 ms stand for
/// the step's own work (what gives the thread its time): back to back, the
/// thread's create and the caller's rename would queue for the same folder.
template <bool Spares>
void snapshot_file_vs_raw_nosync(benchmark::State& state) {
  const auto dir = bench_root() / (Spares ? "snapshot_spare" : "snapshot_floor");
  consist::tracker t(consist::tracker_config{.store = dir / "store", .run_dir = dir,
                                             .durability = consist::durability::nosync, .code_version = "bench"});
  auto r = t.run(trivial, consist::name{"step"}, consist::config{step_config{0.25, -1, "floor"}});
  consist::signature_digest signature{};
  const bool decoded = consist::detail::hex_decode_into(r.run.signature, signature);
  const auto entry = decoded ? t.store().find_cached(signature) : std::nullopt;
  if (!entry) {
    state.SkipWithError("the sample run has no cache entry");
    return;
  }
  const std::string record_bytes = consist::record_to_text(r.run);
  raw_env raw(Spares ? "raw_snapshot_spare" : "raw_snapshot_floor", true);
  static std::uint64_t n = 0;
  consist::run_record rec = r.run;
  paired(
      state, 1, [] { std::this_thread::sleep_for(std::chrono::milliseconds(2)); },
      [&] {
        rec.id = "step_floor_" + std::to_string(n++);
        if constexpr (Spares) {
          consist::detail::write_snapshot_file(consist::snapshot_path(dir, rec.id),
                                               consist::snapshot_to_text(rec, &*entry), t.store().snapshot_spares());
        } else {
          consist::write_snapshot(dir, rec, &*entry, {});
        }
      },
      [&] { raw.commit_one("floor_" + std::to_string(n), record_bytes); });
}
void snapshot_spare_vs_raw_nosync(benchmark::State& s) { snapshot_file_vs_raw_nosync<true>(s); }
void snapshot_new_file_vs_raw_nosync(benchmark::State& s) { snapshot_file_vs_raw_nosync<false>(s); }
BENCHMARK(snapshot_spare_vs_raw_nosync)->Iterations(500);
BENCHMARK(snapshot_new_file_vs_raw_nosync)->Iterations(500);

}  // namespace

CONSIST_BENCH_MAIN()
