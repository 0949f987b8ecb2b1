// consist::mpi::run on a cache hit, every rank of MPI_COMM_WORLD, beside
// tracker::run on a cache hit in one process, in the same run (the same
// step, config and stored entry):
//  (a) the per-run cost of an MPI hit as rank 0 sees it, vs a one-process
//      hit: the ratio is the MPI layer's overhead. Target: <= 3x with 2 ranks.
//      /0: hit records written in full (the default), /1: counted
//      (record_hits = count), which spares rank 0's background writer.
//  (b) the floor under (a): the two collectives of an MPI hit alone (an
//      allreduce of 9 words and a 512-byte broadcast), vs the same
//      one-process hit.
// Hit records are flushed between chunks, outside the timing, as in
// run_bench. Every rank runs the same fixed number of iterations (the
// ranks meet in collectives); only rank 0 prints.
//
//   mpirun -np 2 build/benchmarks/mpi/mpi_run_bench --benchmark_repetitions=5
//   (Open MPI as root, or more ranks than cores: add --allow-run-as-root --oversubscribe)
#include <consist/mpi.hpp>

#include "bench_support.hpp"

#include <boost/hana/define_struct.hpp>

#include <benchmark/benchmark.h>
#include <mpi.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

using namespace consist_bench;

namespace {

struct step_config {
  BOOST_HANA_DEFINE_STRUCT(step_config, (double, alpha), (int, zones), (std::string, scenario));
};

int trivial(const step_config& c) { return c.zones + 1; }

int world_rank() {
  int r = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}

/// Rank 0's tracker, whose store holds the benchmarked step's run; nullptr
/// on the other ranks.
std::unique_ptr<consist::tracker> bench_tracker;
bool bench_ready = false;

consist::tracker* owner() {
  if (!bench_ready) {
    if (world_rank() == 0) {
      const auto dir = bench_root() / "mpi_run";
      bench_tracker = std::make_unique<consist::tracker>(consist::tracker_config{
          .store = dir / "store", .run_dir = dir, .durability = consist::durability::nosync, .code_version = "bench"});
    }
    const auto first = consist::mpi::run(MPI_COMM_WORLD, bench_tracker.get(), trivial, consist::name{"step"},
                                         consist::config{step_config{0.5, 12, "base"}});
    if (first.cache_hit) std::abort();  // a fresh store
    bench_ready = true;
  }
  return bench_tracker.get();
}

constexpr std::size_t chunk = 256;
const step_config cfg{0.5, 12, "base"};

void one_process_hits(consist::tracker* t, consist::cache_options opts) {
  if (!t) return;  // only rank 0 has a store
  for (std::size_t k = 0; k < chunk; ++k) {
    auto r = t->run(trivial, consist::name{"step"}, consist::config{cfg}, opts);
    if (!r.cache_hit) std::abort();
    benchmark::DoNotOptimize(r.value);
  }
}

/// Flushes rank 0's queued hit records, then lines the ranks up.
void between_chunks(consist::tracker* t) {
  if (t) t->flush();
  MPI_Barrier(MPI_COMM_WORLD);
}

void mpi_hit_vs_one_process_hit(benchmark::State& state) {
  consist::tracker* t = owner();
  const consist::cache_options opts{.record_hits = state.range(0) == 0 ? consist::hit_recording::full
                                                                       : consist::hit_recording::count};
  paired(
      state, chunk, [&] { between_chunks(t); },
      [&] {
        for (std::size_t k = 0; k < chunk; ++k) {
          auto r = consist::mpi::run(MPI_COMM_WORLD, t, trivial, consist::name{"step"}, consist::config{cfg}, opts);
          if (!r.cache_hit) std::abort();
          benchmark::DoNotOptimize(r.value);
        }
      },
      [&] { one_process_hits(t, opts); });
}
BENCHMARK(mpi_hit_vs_one_process_hit)->Arg(0)->Arg(1)->Iterations(100)->Unit(benchmark::kMicrosecond);

void collectives_vs_one_process_hit(benchmark::State& state) {
  consist::tracker* t = owner();
  std::array<std::uint64_t, 9> words{};
  std::array<std::uint8_t, 512> head{};
  paired(
      state, chunk, [&] { between_chunks(t); },
      [&] {
        for (std::size_t k = 0; k < chunk; ++k) {
          words.fill(~std::uint64_t{0});
          MPI_Allreduce(MPI_IN_PLACE, words.data(), static_cast<int>(words.size()), MPI_UINT64_T, MPI_BAND,
                        MPI_COMM_WORLD);
          MPI_Bcast(head.data(), static_cast<int>(head.size()), MPI_BYTE, 0, MPI_COMM_WORLD);
          benchmark::DoNotOptimize(words.data());
        }
      },
      [&] { one_process_hits(t, {}); });
}
BENCHMARK(collectives_vs_one_process_hit)->Iterations(100)->Unit(benchmark::kMicrosecond);

/// Rank 0's reporter: Google Benchmark's console output, then the ratios as one table.
class mpi_ratio_reporter : public benchmark::ConsoleReporter {
 public:
  explicit mpi_ratio_reporter(int ranks) : ranks_(ranks) {}
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const auto& r : runs)
      if (r.counters.count("ratio") && (r.run_type == Run::RT_Iteration || r.aggregate_name == "median"))
        lines_.push_back({r.benchmark_name(), r.counters.at("ours_ns").value, r.counters.at("raw_ns").value,
                          r.counters.at("ratio").value});
    ConsoleReporter::ReportRuns(runs);
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    std::printf("\n%-50s %14s %14s %8s\n", ("with " + std::to_string(ranks_) + " ranks, per run").c_str(),
                "mpi / ours", "one process", "ratio");
    for (const auto& l : lines_)
      std::printf("%-50s %11.0f ns %11.0f ns %7.2fx\n", l.name.c_str(), l.ours, l.raw, l.ratio);
  }

 private:
  struct line {
    std::string name;
    double ours, raw, ratio;
  };
  int ranks_;
  std::vector<line> lines_;
};

/// The other ranks' reporter: prints nothing.
class silent_reporter : public benchmark::BenchmarkReporter {
 public:
  bool ReportContext(const Context&) override { return true; }
  void ReportRuns(const std::vector<Run>&) override {}
};

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  benchmark::Initialize(&argc, argv);
  if (rank == 0) {
    mpi_ratio_reporter reporter(size);
    benchmark::RunSpecifiedBenchmarks(&reporter);
  } else {
    silent_reporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
  }
  benchmark::Shutdown();
  bench_tracker.reset();
  MPI_Barrier(MPI_COMM_WORLD);
  std::filesystem::remove_all(bench_root());
  MPI_Finalize();
  return 0;
}
