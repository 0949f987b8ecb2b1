#pragma once
// Travel demand: a doubly constrained gravity model. Trips produced by
// residents (population x trip rate) are distributed to jobs with the
// deterrence exp(-beta x distance); balancing factors A_i, B_j are iterated
// until every zone's attractions match its jobs.

#include "csv.hpp"
#include "land_use.hpp"

#include <consist.hpp>

#include <boost/hana/define_struct.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <vector>

namespace demo {

struct demand_config {
  BOOST_HANA_DEFINE_STRUCT(demand_config,
                           (double, beta),            // deterrence per km: larger, shorter trips
                           (double, trip_rate),       // daily trips per resident
                           (double, cell_km),         // size of a zone
                           (int, max_iterations),     // balancing iterations at most
                           (double, tolerance));      // largest relative attraction error accepted
};

struct demand_summary {
  BOOST_HANA_DEFINE_STRUCT(demand_summary, (int, iterations), (double, max_error), (double, trips),
                           (double, mean_trip_km));
};

/// Grid distance between zone centres; a trip inside a zone counts half a cell.
inline double zone_distance_km(const zone& a, const zone& b, double cell_km) {
  const int cells = std::abs(a.x - b.x) + std::abs(a.y - b.y);
  return cells == 0 ? 0.5 * cell_km : cells * cell_km;
}

inline auto demand_step() {
  return [](const demand_config& c, consist::run_context& ctx) {
    const auto zones = read_zones(ctx.input_path("zones"));
    const std::size_t n = zones.size();
    std::vector<double> produced(n), attracted(n), dist(n * n), deterrence(n * n);
    double total_produced = 0, total_jobs = 0;
    for (std::size_t i = 0; i < n; ++i) {
      produced[i] = zones[i].population * c.trip_rate;
      total_produced += produced[i];
      total_jobs += zones[i].jobs;
    }
    for (std::size_t j = 0; j < n; ++j) attracted[j] = zones[j].jobs * total_produced / total_jobs;
    {
      CONSIST_SPAN("demand.deterrence");
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j) {
          dist[i * n + j] = zone_distance_km(zones[i], zones[j], c.cell_km);
          deterrence[i * n + j] = std::exp(-c.beta * dist[i * n + j]);
        }
    }
    std::vector<double> a(n, 1.0), b(n, 1.0), column(n);
    demand_summary s{0, 1.0, total_produced, 0};
    while (s.iterations < c.max_iterations && s.max_error > c.tolerance) {
      CONSIST_SPAN("demand.balancing_iteration");
      ++s.iterations;
      for (std::size_t i = 0; i < n; ++i) {
        double sum = 0;
        for (std::size_t j = 0; j < n; ++j) sum += b[j] * attracted[j] * deterrence[i * n + j];
        a[i] = 1.0 / sum;
      }
      std::fill(column.begin(), column.end(), 0.0);
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j) column[j] += a[i] * produced[i] * deterrence[i * n + j];
      s.max_error = 0;
      for (std::size_t j = 0; j < n; ++j) {
        // The attractions the current factors give, before B_j corrects them.
        s.max_error = std::max(s.max_error, std::abs(b[j] * column[j] - 1.0));
        b[j] = 1.0 / column[j];
      }
    }
    std::vector<std::vector<double>> rows;
    rows.reserve(n * n);
    double trip_km = 0;
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < n; ++j) {
        const double trips = a[i] * produced[i] * b[j] * attracted[j] * deterrence[i * n + j];
        trip_km += trips * dist[i * n + j];
        rows.push_back({double(zones[i].id), double(zones[j].id), trips});
      }
    s.mean_trip_km = trip_km / total_produced;
    write_csv(ctx.output_path("trips.csv"), {"origin", "destination", "trips"}, rows);
    return s;
  };
}

}  // namespace demo
