// The first page of `consist runs` on a store of 1e5 runs (5 models):
//  (a) list_runs, limit 50, no filter   vs run_store::find_runs with the same query
//      (which parses every record to sort them)
//  (b) list_runs, limit 50, one model   vs find_runs with the same query
//  (c) the `consist runs` process end to end (start, open, list, print),
//      when the tool is built beside the benchmarks; target < 100 ms. Beside
//      it, `mdb_stat` (lmdb-utils) on the same store: the least a process
//      that opens the store and prints something costs.
// CONSIST_BENCH_RUNS overrides the number of runs.
#include <consist/store/listing.hpp>
#include <consist/store/store.hpp>

#include <benchmark/benchmark.h>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

extern char** environ;

namespace {

namespace fs = std::filesystem;
using namespace consist;

fs::path g_store;
fs::path g_tool;
std::size_t g_runs = 100000;
constexpr std::size_t page = 50;
constexpr int models = 5;

run_record synthetic_run(std::size_t i) {
  run_record r;
  r.model_name = "model" + std::to_string(i % models);
  r.id = r.model_name + "_" + std::to_string(1000000 + i);
  r.status = i % 97 == 0 ? run_status::failed : run_status::completed;
  r.year = 2020 + static_cast<std::int64_t>(i % 30);
  r.tags = {"campaign", "batch" + std::to_string(i / 1000)};
  r.started_at = timestamp(std::chrono::seconds(1700000000) + std::chrono::milliseconds(i));
  r.created_at = r.updated_at = r.started_at;
  r.ended_at = r.started_at + std::chrono::milliseconds(40);
  r.signature = r.config_hash = r.input_hash = r.code_hash = "0123456789abcdef0123456789abcdef";
  r.identity.signature = r.signature;
  r.identity.code_mode = "explicit";
  r.identity.code_version = "bench";
  r.identity.adapter_name = "reflect";
  r.identity.model = r.model_name;
  r.config = boost::json::object{{"alpha", 0.5 + static_cast<double>(i)}, {"zones", 40}, {"label", "base"}};
  r.config_fields = {{"alpha", "00112233445566778899aabbccddeeff"}, {"label", "ffeeddccbbaa99887766554433221100"},
                     {"zones", "0f1e2d3c4b5a69788796a5b4c3d2e1f0"}};
  r.explanation = miss_explanation{"differs from an earlier run in config", "", {"config"}, {"alpha"}, {}};
  r.pid = 4242;
  r.host = "bench";
  return r;
}

void build_store() {
  store_options o;
  o.path = g_store;
  o.durability = durability::nosync;
  auto s = run_store::open(o);
  std::vector<run_commit> batch;
  for (std::size_t i = 0; i < g_runs; ++i) {
    batch.push_back({synthetic_run(i), std::nullopt, {}});
    if (batch.size() == 2000 || i + 1 == g_runs) {
      s->commit_runs(batch);
      batch.clear();
    }
  }
}

std::shared_ptr<run_store> reader() {
  store_options o;
  o.path = g_store;
  o.read_only = true;
  return run_store::open(o);
}

void BM_list_runs_first_page(benchmark::State& state) {
  const auto s = reader();
  run_query q;
  q.limit = page;
  for (auto _ : state) benchmark::DoNotOptimize(list_runs(*s, q));
}
void BM_find_runs_first_page(benchmark::State& state) {
  const auto s = reader();
  run_query q;
  q.limit = page;
  for (auto _ : state) benchmark::DoNotOptimize(s->find_runs(q));
}
void BM_list_runs_model_page(benchmark::State& state) {
  const auto s = reader();
  run_query q;
  q.model = "model3";
  q.limit = page;
  for (auto _ : state) benchmark::DoNotOptimize(list_runs(*s, q));
}
void BM_find_runs_model_page(benchmark::State& state) {
  const auto s = reader();
  run_query q;
  q.model = "model3";
  q.limit = page;
  for (auto _ : state) benchmark::DoNotOptimize(s->find_runs(q));
}

/// Starts argv[0] (searched in PATH) with stdout to /dev/null and waits; false
/// (with the benchmark marked) when it cannot start or fails.
bool run_process(benchmark::State& state, const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t io;
  posix_spawn_file_actions_init(&io);
  posix_spawn_file_actions_addopen(&io, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int started = posix_spawnp(&pid, argv[0], &io, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&io);
  if (started != 0) {
    state.SkipWithError(("cannot start " + args[0]).c_str());
    return false;
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    state.SkipWithError((args[0] + " failed").c_str());
    return false;
  }
  return true;
}

/// One `consist --store S runs` process (start, open, list, print).
void BM_cli_runs_first_page(benchmark::State& state) {
  if (!fs::exists(g_tool)) {
    state.SkipWithError("the consist tool is not built beside the benchmarks");
    return;
  }
  for (auto _ : state)
    if (!run_process(state, {g_tool.string(), "--store", g_store.string(), "runs"})) break;
}

/// The reference: one `mdb_stat S` process, LMDB's own tool opening the same
/// store and printing its main database's statistics.
void BM_mdb_stat_process(benchmark::State& state) {
  for (auto _ : state)
    if (!run_process(state, {"mdb_stat", g_store.string()})) break;
}

}  // namespace

BENCHMARK(BM_list_runs_first_page)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_find_runs_first_page)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_list_runs_model_page)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_find_runs_model_page)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_cli_runs_first_page)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_mdb_stat_process)->Unit(benchmark::kMillisecond)->UseRealTime();

int main(int argc, char** argv) {
  if (const char* n = std::getenv("CONSIST_BENCH_RUNS")) g_runs = std::strtoull(n, nullptr, 10);
  g_tool = fs::absolute(fs::path(argv[0])).parent_path() / ".." / "tools" / "consist";
  g_store = fs::temp_directory_path() / ("consist-cli-bench-" + std::to_string(::getpid()));
  fs::remove_all(g_store);
  const auto t0 = std::chrono::steady_clock::now();
  build_store();
  std::printf("store of %zu runs built in %.1f s at %s\n", g_runs,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), g_store.c_str());
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  fs::remove_all(g_store);
  return 0;
}
