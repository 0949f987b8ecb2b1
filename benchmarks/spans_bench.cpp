// Cost of one CONSIST_SPAN around an empty body, beside the references it is
// measured against in the same run: two __rdtsc() reads (the target is a span
// <= 1.3x that) and two steady_clock::now() calls. Also the idle costs: tracing
// switched off at run time, and no collection active.
//
//   spans_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//
// Compare the *_median rows: span_enabled / two_rdtsc is the ratio to report.
#include <consist/spans.hpp>

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <string>

namespace {

#if defined(__x86_64__) || defined(__i386__)
void two_rdtsc(benchmark::State& state) {
  for (auto _ : state) {
    const std::uint64_t begin = __builtin_ia32_rdtsc();
    const std::uint64_t end = __builtin_ia32_rdtsc();
    benchmark::DoNotOptimize(end - begin);
  }
}
BENCHMARK(two_rdtsc);
#endif

void two_steady_clock_now(benchmark::State& state) {
  for (auto _ : state) {
    const auto begin = std::chrono::steady_clock::now();
    const auto end = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(end - begin);
  }
}
BENCHMARK(two_steady_clock_now);

// The loop of the benchmark library alone, for reading the idle costs.
void empty_loop(benchmark::State& state) {
  for (auto _ : state) benchmark::ClobberMemory();
}
BENCHMARK(empty_loop);

// Checks that the collection saw every iteration, so a span that silently
// records nothing cannot look cheap.
void check_collected(benchmark::State& state, consist::span_collection& collection, const char* name,
                     std::uint64_t expected) {
  for (const auto& s : collection.finish()) {
    if (s.name != name) continue;
    if (s.count == expected) return;
    state.SkipWithError(("collected " + std::to_string(s.count) + " spans, expected " +
                         std::to_string(expected)).c_str());
    return;
  }
  if (expected != 0) state.SkipWithError("the collection recorded no span");
}

void span_enabled(benchmark::State& state) {
  consist::set_tracing_enabled(true);
  consist::span_collection collection;
  for (auto _ : state) {
    CONSIST_SPAN("bench_span");
  }
  check_collected(state, collection, "bench_span", state.iterations());
  state.counters["clock_is_tsc"] = consist::span_clock_source() == "tsc" ? 1 : 0;
}
BENCHMARK(span_enabled);

void count_enabled(benchmark::State& state) {
  consist::set_tracing_enabled(true);
  consist::span_collection collection;
  for (auto _ : state) CONSIST_COUNT("bench_count");
  check_collected(state, collection, "bench_count", state.iterations());
}
BENCHMARK(count_enabled);

void span_tracing_disabled(benchmark::State& state) {
  consist::span_collection collection;
  consist::set_tracing_enabled(false);
  for (auto _ : state) {
    CONSIST_SPAN("bench_disabled");
  }
  consist::set_tracing_enabled(true);
  check_collected(state, collection, "bench_disabled", 0);
}
BENCHMARK(span_tracing_disabled);

void span_no_collection(benchmark::State& state) {
  consist::set_tracing_enabled(true);
  for (auto _ : state) {
    CONSIST_SPAN("bench_idle");
  }
}
BENCHMARK(span_no_collection);

}  // namespace

BENCHMARK_MAIN();
