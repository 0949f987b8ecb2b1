// The cost of a config digest: consist::digest of a 20-field config struct
// beside SipHash-2-4-128 over a buffer as long as its canonical encoding (the
// floor: the hash alone, no walking, no tags). Their ratio is the price of the
// canonical encoding. A variant with a map shows the cost of sorting entries.
#include <consist/encode/reflect.hpp>
#include <consist/encode/serialize.hpp>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bench {

enum class scheme : std::uint8_t { upwind, central };

struct demand_model {
  BOOST_HANA_DEFINE_STRUCT(demand_model, (double, alpha), (double, beta), (std::int32_t, horizon));
};

struct config {  // 20 fields, the shape of a typical simulation step's config
  BOOST_HANA_DEFINE_STRUCT(config, (std::string, model), (std::int32_t, year), (std::int32_t, iteration),
                           (double, dt), (double, t_end), (double, tolerance), (std::int64_t, seed),
                           (bool, adaptive), (scheme, advection), (std::uint32_t, threads),
                           (std::string, scenario), (std::filesystem::path, input_dir), (double, cfl),
                           (std::int32_t, max_steps), (std::optional<double>, relax), (demand_model, demand),
                           (std::vector<double>, zone_weights), (std::vector<std::int32_t>, zone_ids),
                           (float, damping), (std::uint16_t, output_every));
};

struct config_with_map {
  BOOST_HANA_DEFINE_STRUCT(config_with_map, (config, base), (std::map<std::string, double>, rates));
};

config sample() {
  return config{"hydro-2d", 2030, 4, 0.01, 3600.0, 1e-8, 424242, true, scheme::central, 8, "baseline",
                "/data/inputs/run-7", 0.9, 100000, 1.2, demand_model{0.35, 1.5, 30},
                {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8}, {11, 12, 13, 14, 15, 16, 17, 18}, 0.05f, 10};
}

template <class T>
void digest_of(benchmark::State& state, const T& value) {
  for (auto _ : state) benchmark::DoNotOptimize(consist::digest(value));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * consist::canonical_bytes(value).size()));
  state.counters["encoded_bytes"] = static_cast<double>(consist::canonical_bytes(value).size());
}

template <class T>
void raw_siphash_as_long_as(benchmark::State& state, const T& value) {
  const auto bytes = consist::canonical_bytes(value);  // same length; the content is irrelevant to SipHash's cost
  for (auto _ : state) benchmark::DoNotOptimize(consist::siphash24_128(bytes, consist::identity_key));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
}

void digest_config20(benchmark::State& state) { digest_of(state, sample()); }
void siphash128_same_bytes(benchmark::State& state) { raw_siphash_as_long_as(state, sample()); }

config_with_map sample_with_map() {
  return {sample(), {{"households", 0.4}, {"industry", 0.3}, {"commerce", 0.2}, {"agriculture", 0.1}}};
}
void digest_config20_with_map(benchmark::State& state) { digest_of(state, sample_with_map()); }
void siphash128_same_bytes_with_map(benchmark::State& state) { raw_siphash_as_long_as(state, sample_with_map()); }

void serialize_config20(benchmark::State& state) {
  const config c = sample();
  for (auto _ : state) benchmark::DoNotOptimize(consist::serialize(c));
}
void deserialize_config20(benchmark::State& state) {
  const auto bytes = consist::serialize(sample());
  for (auto _ : state) benchmark::DoNotOptimize(consist::deserialize<config>(bytes));
}

}  // namespace bench

BENCHMARK(bench::digest_config20);
BENCHMARK(bench::siphash128_same_bytes);
BENCHMARK(bench::digest_config20_with_map);
BENCHMARK(bench::siphash128_same_bytes_with_map);
BENCHMARK(bench::serialize_config20);
BENCHMARK(bench::deserialize_config20);

BENCHMARK_MAIN();
