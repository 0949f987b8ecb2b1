#pragma once
// Shared by the benchmarks: a scratch folder, a raw LMDB environment as a
// plain LMDB user would open it, the paired timing of ours against a
// reference, and a reporter that prints the ratios as one table.

#include <benchmark/benchmark.h>
#include <lmdb.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace consist_bench {

/// A distinct 16-byte key per i; `salt` keeps two benchmarks' keys apart.
inline std::array<std::uint8_t, 16> synthetic_signature(std::uint64_t i, std::uint8_t salt) {
  std::array<std::uint8_t, 16> d{};
  for (int k = 0; k < 8; ++k) d[static_cast<std::size_t>(k)] = static_cast<std::uint8_t>(i >> (8 * k));
  d[15] = salt;
  return d;
}

const std::filesystem::path& bench_root() {
  static const auto root = [] {
    auto p = std::filesystem::temp_directory_path() / ("consist_bench-" + std::to_string(::getpid()));
    std::filesystem::remove_all(p);
    return p;
  }();
  return root;
}

/// A raw LMDB environment (default flags, as a plain LMDB user would open it).
struct raw_env {
  MDB_env* env = nullptr;
  MDB_dbi dbi = 0;
  raw_env(const std::string& name, bool nosync) {
    const auto dir = bench_root() / name;
    std::filesystem::create_directories(dir);
    mdb_env_create(&env);
    mdb_env_set_mapsize(env, std::size_t{1} << 30);
    if (mdb_env_open(env, dir.c_str(), nosync ? MDB_NOSYNC : 0, 0664) != 0) std::abort();
    MDB_txn* t = nullptr;
    mdb_txn_begin(env, nullptr, 0, &t);
    mdb_dbi_open(t, nullptr, 0, &dbi);
    mdb_txn_commit(t);
  }
  ~raw_env() { mdb_env_close(env); }
  void put(MDB_txn* t, const std::string& k, const std::string& v) {
    MDB_val kv{k.size(), const_cast<char*>(k.data())}, vv{v.size(), const_cast<char*>(v.data())};
    if (mdb_put(t, dbi, &kv, &vv, 0) != 0) std::abort();
  }
  void commit_one(const std::string& k, const std::string& v) {
    MDB_txn* t = nullptr;
    mdb_txn_begin(env, nullptr, 0, &t);
    put(t, k, v);
    if (mdb_txn_commit(t) != 0) std::abort();
  }
};

/// Runs ours and the raw reference alternately (the machine's disk and CPU
/// load drift; pairing keeps the ratio honest) and reports both per op.
template <class Prepare, class Ours, class Raw>
void paired(benchmark::State& state, std::size_t ops_per_side, Prepare prepare, Ours ours, Raw raw) {
  using clock = std::chrono::steady_clock;
  double ours_ns = 0, raw_ns = 0;
  for (auto _ : state) {
    state.PauseTiming();
    prepare();
    state.ResumeTiming();
    auto t0 = clock::now();
    ours();
    auto t1 = clock::now();
    raw();
    auto t2 = clock::now();
    ours_ns += std::chrono::duration<double, std::nano>(t1 - t0).count();
    raw_ns += std::chrono::duration<double, std::nano>(t2 - t1).count();
  }
  const double n = static_cast<double>(state.iterations() * ops_per_side);
  state.counters["ours_ns"] = ours_ns / n;
  state.counters["raw_ns"] = raw_ns / n;
  state.counters["ratio"] = ours_ns / raw_ns;
}

/// Prints the ratio counters again, as one table, after the run (of the
/// repetitions' aggregates, only the median).
class ratio_reporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const auto& r : runs)
      if (r.counters.count("ratio") && (r.run_type != Run::RT_Aggregate || r.aggregate_name == "median"))
        lines_.push_back({r.benchmark_name(), r.counters.at("ours_ns").value, r.counters.at("raw_ns").value,
                          r.counters.at("ratio").value});
    ConsoleReporter::ReportRuns(runs);
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    std::printf("\n%-40s %14s %14s %8s\n", "ours vs raw LMDB (per op)", "ours", "raw", "ratio");
    for (const auto& l : lines_)
      std::printf("%-40s %11.0f ns %11.0f ns %7.2fx\n", l.name.c_str(), l.ours, l.raw, l.ratio);
  }

 private:
  struct line {
    std::string name;
    double ours, raw, ratio;
  };
  std::vector<line> lines_;
};

}  // namespace consist_bench

#define CONSIST_BENCH_MAIN()                                         \
  int main(int argc, char** argv) {                                  \
    benchmark::Initialize(&argc, argv);                              \
    consist_bench::ratio_reporter reporter;                          \
    benchmark::RunSpecifiedBenchmarks(&reporter);                    \
    benchmark::Shutdown();                                           \
    if (!std::getenv("CONSIST_BENCH_KEEP_SCRATCH"))                  \
      std::filesystem::remove_all(consist_bench::bench_root());      \
    return 0;                                                        \
  }
