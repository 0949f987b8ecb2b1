#pragma once
// Traffic assignment: user equilibrium on a grid road network by Frank-Wolfe.
// Links join neighbouring zones (every fourth row and column is a faster,
// wider arterial); link travel times follow the BPR curve. Each iteration
// loads all trips on the current shortest paths (all-or-nothing) and moves
// towards that loading by the step that minimises the Beckmann objective.

#include "csv.hpp"
#include "land_use.hpp"

#include <consist.hpp>

#include <boost/hana/define_struct.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <queue>
#include <utility>
#include <vector>

namespace demo {

struct assignment_config {
  BOOST_HANA_DEFINE_STRUCT(assignment_config,
                           (double, peak_hour_share),   // share of daily trips in the peak hour
                           (double, capacity_vph),      // local street, per direction
                           (double, speed_kmh),         // local street, free flow
                           (double, cell_km),           // link length
                           (double, bpr_alpha), (double, bpr_power),
                           (int, max_iterations),
                           (double, gap_tolerance));    // relative gap that counts as equilibrium
};

struct assignment_summary {
  BOOST_HANA_DEFINE_STRUCT(assignment_summary, (int, iterations), (double, relative_gap), (double, vehicle_hours),
                           (double, vehicle_km), (double, max_volume_capacity));
};

struct network {
  std::vector<int> from, to;
  std::vector<double> capacity, free_minutes;
  std::vector<std::vector<int>> out_links;  // per node
};

inline network grid_network(const std::vector<zone>& zones, const assignment_config& c) {
  int grid = 0;
  for (const auto& z : zones) grid = std::max(grid, z.x + 1);
  network net;
  net.out_links.resize(zones.size());
  auto add = [&](int a, int b, bool arterial) {
    net.out_links[a].push_back(static_cast<int>(net.from.size()));
    net.from.push_back(a);
    net.to.push_back(b);
    net.capacity.push_back(c.capacity_vph * (arterial ? 2.0 : 1.0));
    net.free_minutes.push_back(60.0 * c.cell_km / (c.speed_kmh * (arterial ? 1.6 : 1.0)));
  };
  for (const auto& z : zones) {
    const int node = z.y * grid + z.x;
    if (z.x + 1 < grid) {
      add(node, node + 1, z.y % 4 == 0);
      add(node + 1, node, z.y % 4 == 0);
    }
    if (z.y + 1 < grid) {
      add(node, node + grid, z.x % 4 == 0);
      add(node + grid, node, z.x % 4 == 0);
    }
  }
  return net;
}

struct assignment_state {
  const network& net;
  const assignment_config& c;
  std::vector<double> od;  // peak-hour trips, origin-major

  double link_minutes(std::size_t l, double flow) const {
    return net.free_minutes[l] * (1.0 + c.bpr_alpha * std::pow(flow / net.capacity[l], c.bpr_power));
  }

  /// Loads every trip on its shortest path under `minutes`; returns the
  /// loading and adds the total shortest-path travel time to `sptt`.
  std::vector<double> all_or_nothing(const std::vector<double>& minutes, double& sptt) const {
    CONSIST_SPAN("assignment.all_or_nothing");
    const std::size_t n = net.out_links.size();
    std::vector<double> load(net.from.size(), 0.0), dist(n), node_trips(n);
    std::vector<int> via(n);
    std::vector<int> order;
    using item = std::pair<double, int>;
    for (std::size_t o = 0; o < n; ++o) {
      CONSIST_SPAN("assignment.shortest_path_tree");
      std::fill(dist.begin(), dist.end(), std::numeric_limits<double>::infinity());
      std::fill(via.begin(), via.end(), -1);
      order.clear();
      std::priority_queue<item, std::vector<item>, std::greater<item>> heap;
      dist[o] = 0;
      heap.push({0.0, static_cast<int>(o)});
      while (!heap.empty()) {
        const auto [d, u] = heap.top();
        heap.pop();
        if (d > dist[u]) continue;
        order.push_back(u);
        for (int l : net.out_links[u]) {
          const double nd = d + minutes[l];
          if (nd < dist[net.to[l]]) {
            dist[net.to[l]] = nd;
            via[net.to[l]] = l;
            heap.push({nd, net.to[l]});
          }
        }
      }
      // Push each destination's trips back along the tree, farthest first.
      for (std::size_t d = 0; d < n; ++d) {
        node_trips[d] = od[o * n + d];
        sptt += node_trips[d] * dist[d];
      }
      for (auto it = order.rbegin(); it != order.rend(); ++it) {
        const int l = via[*it];
        if (l < 0) continue;
        load[l] += node_trips[*it];
        node_trips[net.from[l]] += node_trips[*it];
      }
    }
    return load;
  }

  /// The step in [0, 1] towards `target` minimising the Beckmann objective:
  /// bisection on its derivative, which is increasing in the step.
  double line_search(const std::vector<double>& flow, const std::vector<double>& target) const {
    CONSIST_SPAN("assignment.line_search");
    double lo = 0, hi = 1;
    for (int k = 0; k < 24; ++k) {
      const double mid = 0.5 * (lo + hi);
      double slope = 0;
      for (std::size_t l = 0; l < flow.size(); ++l) {
        const double dir = target[l] - flow[l];
        slope += dir * link_minutes(l, flow[l] + mid * dir);
      }
      (slope > 0 ? hi : lo) = mid;
    }
    return 0.5 * (lo + hi);
  }
};

inline auto assignment_step() {
  return [](const assignment_config& c, consist::run_context& ctx) {
    const auto zones = read_zones(ctx.input_path("zones"));
    const network net = grid_network(zones, c);
    const std::size_t n = zones.size();
    assignment_state st{net, c, std::vector<double>(n * n, 0.0)};
    const table trips = read_csv(ctx.input_path("trips"));
    const auto o = trips.column("origin"), d = trips.column("destination"), v = trips.column("trips");
    for (const auto& r : trips.rows)
      if (r[o] != r[d]) st.od[static_cast<std::size_t>(r[o]) * n + static_cast<std::size_t>(r[d])] += r[v] * c.peak_hour_share;

    std::vector<double> minutes(net.from.size());
    for (std::size_t l = 0; l < minutes.size(); ++l) minutes[l] = st.link_minutes(l, 0.0);
    double sptt = 0;
    std::vector<double> flow = st.all_or_nothing(minutes, sptt);
    assignment_summary s{0, 1.0, 0, 0, 0};
    while (s.iterations < c.max_iterations) {
      CONSIST_SPAN("assignment.frank_wolfe_iteration");
      ++s.iterations;
      double total = 0;
      for (std::size_t l = 0; l < flow.size(); ++l) {
        minutes[l] = st.link_minutes(l, flow[l]);
        total += flow[l] * minutes[l];
      }
      sptt = 0;
      const auto target = st.all_or_nothing(minutes, sptt);
      s.relative_gap = (total - sptt) / total;
      if (s.relative_gap < c.gap_tolerance) break;
      const double step = st.line_search(flow, target);
      for (std::size_t l = 0; l < flow.size(); ++l) flow[l] += step * (target[l] - flow[l]);
    }
    std::vector<std::vector<double>> rows;
    for (std::size_t l = 0; l < flow.size(); ++l) {
      const double t = st.link_minutes(l, flow[l]), vc = flow[l] / net.capacity[l];
      s.vehicle_hours += flow[l] * t / 60.0;
      s.vehicle_km += flow[l] * c.cell_km;
      s.max_volume_capacity = std::max(s.max_volume_capacity, vc);
      rows.push_back({double(net.from[l]), double(net.to[l]), net.capacity[l], net.free_minutes[l], flow[l], t, vc});
    }
    write_csv(ctx.output_path("link_flows.csv"),
              {"from", "to", "capacity_vph", "free_flow_min", "flow_vph", "time_min", "volume_capacity"}, rows);
    return s;
  };
}

}  // namespace demo
