#pragma once
// Land use: zones on a square grid with population and jobs. The base year is
// drawn from a seeded config (people spread around the centre, jobs
// concentrated in it); each later year grows the previous year's zones.

#include "csv.hpp"

#include <consist.hpp>

#include <boost/hana/define_struct.hpp>

#include <cmath>
#include <cstdint>
#include <vector>

namespace demo {

struct land_use_config {
  BOOST_HANA_DEFINE_STRUCT(land_use_config,
                           (int, seed),                      // the synthetic region
                           (int, grid),                      // zones per side
                           (double, population),             // base-year total
                           (double, jobs),                   // base-year total
                           (double, population_growth),      // per five years
                           (double, job_growth),             // per five years
                           (double, job_centrality));        // how fast jobs thin out from the centre
};

struct land_use_summary {
  BOOST_HANA_DEFINE_STRUCT(land_use_summary, (int, zones), (double, population), (double, jobs));
};

/// A deterministic uniform draw in [0, 1) from (seed, year, zone, stream):
/// the same on every platform, unlike the standard distributions.
inline double uniform(std::uint64_t seed, std::uint64_t year, std::uint64_t zone, std::uint64_t stream) {
  std::uint64_t z = seed * 0x9E3779B97F4A7C15ull + year * 0xBF58476D1CE4E5B9ull + zone * 0x94D049BB133111EBull + stream;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * 0x1.0p-53;
}

struct zone {
  int id, x, y;
  double population, jobs;
};

inline std::vector<zone> read_zones(const std::filesystem::path& path) {
  const table t = read_csv(path);
  const auto id = t.column("zone"), x = t.column("x"), y = t.column("y");
  const auto pop = t.column("population"), jobs = t.column("jobs");
  std::vector<zone> out;
  for (const auto& r : t.rows)
    out.push_back({static_cast<int>(r[id]), static_cast<int>(r[x]), static_cast<int>(r[y]), r[pop], r[jobs]});
  return out;
}

inline void write_zones(const std::filesystem::path& path, const std::vector<zone>& zones) {
  std::vector<std::vector<double>> rows;
  for (const auto& z : zones) rows.push_back({double(z.id), double(z.x), double(z.y), z.population, z.jobs});
  write_csv(path, {"zone", "x", "y", "population", "jobs"}, rows);
}

inline std::vector<zone> base_zones(const land_use_config& c, int year) {
  std::vector<zone> zones;
  const double centre = (c.grid - 1) / 2.0;
  double pop_weight = 0, job_weight = 0;
  for (int y = 0; y < c.grid; ++y)
    for (int x = 0; x < c.grid; ++x) {
      CONSIST_SPAN("land_use.zone");
      const int id = y * c.grid + x;
      const double d = std::hypot(x - centre, y - centre);
      const double noise_pop = 0.6 + 0.8 * uniform(c.seed, year, id, 1);
      const double noise_job = 0.4 + 1.2 * uniform(c.seed, year, id, 2);
      const double pop = std::exp(-d / c.grid) * noise_pop;
      const double jobs = std::exp(-c.job_centrality * d) * noise_job;
      zones.push_back({id, x, y, pop, jobs});
      pop_weight += pop;
      job_weight += jobs;
    }
  for (auto& z : zones) {
    z.population *= c.population / pop_weight;
    z.jobs *= c.jobs / job_weight;
  }
  return zones;
}

/// Growth is uneven: outer zones gain people faster, jobs follow with noise.
inline std::vector<zone> grow_zones(const land_use_config& c, int year, std::vector<zone> zones) {
  const double centre = (c.grid - 1) / 2.0;
  for (auto& z : zones) {
    CONSIST_SPAN("land_use.zone");
    const double outer = std::hypot(z.x - centre, z.y - centre) / (c.grid / 2.0);
    z.population *= 1 + c.population_growth * (0.5 + outer) * (0.7 + 0.6 * uniform(c.seed, year, z.id, 3));
    z.jobs *= 1 + c.job_growth * (0.6 + 0.8 * uniform(c.seed, year, z.id, 4));
  }
  return zones;
}

/// The land-use step for `year`: the base year from the config, later years
/// from the input "zones" (the previous year's zones.csv).
inline auto land_use_step(int year, bool base_year) {
  return [year, base_year](const land_use_config& c, consist::run_context& ctx) {
    auto zones = base_year ? base_zones(c, year) : grow_zones(c, year, read_zones(ctx.input_path("zones")));
    write_zones(ctx.output_path("zones.csv"), zones);
    land_use_summary s{static_cast<int>(zones.size()), 0, 0};
    for (const auto& z : zones) {
      s.population += z.population;
      s.jobs += z.jobs;
    }
    return s;
  };
}

}  // namespace demo
