// Content fingerprint throughput of a large file beside `sha256sum` on the same
// file, in the same run, page cache warm. A raw read() loop over the file is the
// I/O floor both share. After the benchmarks the ratio is printed.
//
// The file is /tmp/consist_fingerprint_bench_<N>MiB.bin, N from the environment
// variable CONSIST_BENCH_FILE_MB (default 1024), created on first use and kept.
#include <consist/identity/fingerprint.hpp>

#include <benchmark/benchmark.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

std::uint64_t file_megabytes() {
  const char* env = std::getenv("CONSIST_BENCH_FILE_MB");
  const long mb = env != nullptr ? std::strtol(env, nullptr, 10) : 1024;
  return mb > 0 ? static_cast<std::uint64_t>(mb) : 1024;
}

// Reads the whole file into a block buffer (returns the bytes read); used to
// warm the page cache and as the I/O floor.
std::uint64_t read_all(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  std::vector<char> block(std::size_t{1} << 20);
  std::uint64_t total = 0;
  for (ssize_t n; (n = ::read(fd, block.data(), block.size())) > 0;) total += static_cast<std::uint64_t>(n);
  ::close(fd);
  return total;
}

// The benchmark file, created with pseudo-random bytes (so nothing compresses
// or short-circuits) and read once so every measurement starts warm.
const fs::path& bench_file() {
  static const fs::path path = [] {
    const std::uint64_t bytes = file_megabytes() << 20;
    const fs::path p = "/tmp/consist_fingerprint_bench_" + std::to_string(file_megabytes()) + "MiB.bin";
    std::error_code ec;
    if (fs::file_size(p, ec) != bytes) {
      const fs::path tmp = p.string() + ".partial";
      std::FILE* out = std::fopen(tmp.c_str(), "wb");
      if (out == nullptr) std::abort();
      std::vector<std::uint64_t> block((std::size_t{1} << 20) / sizeof(std::uint64_t));
      std::uint64_t x = 0x9e3779b97f4a7c15ULL;
      for (std::uint64_t written = 0; written < bytes; written += block.size() * sizeof(std::uint64_t)) {
        for (auto& w : block) {
          x ^= x << 13;
          x ^= x >> 7;
          x ^= x << 17;
          w = x;
        }
        std::fwrite(block.data(), sizeof(std::uint64_t), block.size(), out);
      }
      std::fclose(out);
      fs::rename(tmp, p);
    }
    read_all(p);
    return p;
  }();
  return path;
}

void set_bytes(benchmark::State& state) {
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * fs::file_size(bench_file())));
}

void consist_fingerprint_full(benchmark::State& state) {
  const fs::path& file = bench_file();
  for (auto _ : state) benchmark::DoNotOptimize(consist::fingerprint_path(file, consist::hashing_mode::full));
  set_bytes(state);
}

void sha256sum_process(benchmark::State& state) {
  const std::string command = "sha256sum '" + bench_file().string() + "'";
  for (auto _ : state) {
    std::FILE* pipe = ::popen(command.c_str(), "r");
    char line[256] = {};
    const bool got = pipe != nullptr && std::fgets(line, sizeof line, pipe) != nullptr;
    if (pipe == nullptr || ::pclose(pipe) != 0 || !got) {
      state.SkipWithError("sha256sum is not available or failed");
      break;
    }
    benchmark::DoNotOptimize(line);
  }
  set_bytes(state);
}

void raw_read_floor(benchmark::State& state) {
  const fs::path& file = bench_file();
  for (auto _ : state) benchmark::DoNotOptimize(read_all(file));
  set_bytes(state);
}

// Real time: sha256sum runs in a child process, invisible to this one's CPU clock.
// One pass of the whole file per iteration; --benchmark_repetitions gives the spread.
BENCHMARK(consist_fingerprint_full)->UseRealTime()->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(sha256sum_process)->UseRealTime()->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(raw_read_floor)->UseRealTime()->Unit(benchmark::kMillisecond)->Iterations(1);

// The console output plus the MiB/s of each benchmark (the median over the
// repetitions when repeated), for the closing ratio.
class ratio_reporter : public benchmark::ConsoleReporter {
 public:
  ratio_reporter() : ConsoleReporter(::isatty(STDOUT_FILENO) != 0 ? OO_ColorTabular : OO_Tabular) {}
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      if (r.error_occurred) continue;
      const bool median = r.run_type == Run::RT_Aggregate && r.aggregate_name == "median";
      const auto& name = r.run_name.function_name;
      if (median || (r.run_type == Run::RT_Iteration && !from_median.count(name))) {
        const auto rate = r.counters.find("bytes_per_second");
        if (rate != r.counters.end()) mb_per_s[name] = rate->second.value / (1 << 20);
        if (median) from_median.insert(name);
      }
    }
  }
  std::map<std::string, double> mb_per_s;

 private:
  std::set<std::string> from_median;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  std::printf("file: %s (%llu MiB, page cache warm)\n", bench_file().c_str(),
              static_cast<unsigned long long>(file_megabytes()));
  ratio_reporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  for (const auto& [name, rate] : reporter.mb_per_s) std::printf("%-26s %9.1f MiB/s\n", name.c_str(), rate);
  const auto ours = reporter.mb_per_s.find("consist_fingerprint_full");
  const auto ref = reporter.mb_per_s.find("sha256sum_process");
  if (ours != reporter.mb_per_s.end() && ref != reporter.mb_per_s.end())
    std::printf("ratio consist_fingerprint_full / sha256sum = %.2fx (target >= 1.5x)\n", ours->second / ref->second);
  return 0;
}
