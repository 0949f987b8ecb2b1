// The hot-loop story: a 2-D heat-diffusion stencil (explicit finite
// differences) run as a cached step. CONSIST_SPAN inside the time loop and the
// row loop costs a few nanoseconds per entry and leaves a per-site report in
// the run record; the second, identical run is a cache hit and computes nothing.
#include "span_report.hpp"

#include <consist.hpp>

#include <boost/hana/define_struct.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

struct heat_config {
  BOOST_HANA_DEFINE_STRUCT(heat_config,
                           (int, nx), (int, ny),       // grid points
                           (int, steps),               // time steps
                           (double, diffusivity),      // m^2/s
                           (double, dx),               // m
                           (double, dt),               // s
                           (double, hot_edge),         // temperature held on the top edge
                           (double, initial));         // initial temperature everywhere else
};

struct heat_summary {
  BOOST_HANA_DEFINE_STRUCT(heat_summary, (double, mean), (double, probe), (double, last_change));
};

// The probe: mid-column, this many points below the hot edge.
constexpr int probe_depth = 10;

heat_summary diffuse(const heat_config& c, consist::run_context& ctx) {
  const double r = c.diffusivity * c.dt / (c.dx * c.dx);
  if (r > 0.25)
    throw consist::usage_error("the explicit scheme is unstable: diffusivity * dt / dx^2 = " + std::to_string(r),
                               "the time step is too large for the grid spacing",
                               "choose dt <= 0.25 * dx^2 / diffusivity");
  const int nx = c.nx, ny = c.ny;
  std::vector<double> u(static_cast<std::size_t>(nx) * ny, c.initial), next(u.size());
  auto at = [nx](int x, int y) { return static_cast<std::size_t>(y) * nx + x; };
  double last_change = 0;
  for (int step = 0; step < c.steps; ++step) {
    CONSIST_SPAN("heat.time_step");
    {
      CONSIST_SPAN("heat.boundary");
      for (int x = 0; x < nx; ++x) u[at(x, 0)] = c.hot_edge, u[at(x, ny - 1)] = c.initial;
      for (int y = 0; y < ny; ++y) u[at(0, y)] = c.initial, u[at(nx - 1, y)] = c.initial;
      next = u;
    }
    for (int y = 1; y < ny - 1; ++y) {
      CONSIST_SPAN("heat.stencil_row");
      for (int x = 1; x < nx - 1; ++x)
        next[at(x, y)] = u[at(x, y)] + r * (u[at(x - 1, y)] + u[at(x + 1, y)] + u[at(x, y - 1)] + u[at(x, y + 1)] -
                                            4.0 * u[at(x, y)]);
    }
    if (step == c.steps - 1) {
      CONSIST_SPAN("heat.last_change");
      last_change = 0;
      for (std::size_t i = 0; i < u.size(); ++i) last_change = std::max(last_change, std::abs(next[i] - u[i]));
    }
    std::swap(u, next);
  }
  std::ofstream out(ctx.output_path("temperature.csv"));
  for (int y = 0; y < ny; ++y)
    for (int x = 0; x < nx; ++x) out << u[at(x, y)] << (x + 1 < nx ? ',' : '\n');
  double sum = 0;
  for (double v : u) sum += v;
  return {sum / static_cast<double>(u.size()), u[at(nx / 2, probe_depth)], last_change};
}

std::uint64_t row_span_count(const consist::run_record& r) {
  for (const auto& s : r.span_stats)
    if (s.name == "heat.stencil_row") return s.count;
  return 0;
}

int main() {
  consist::tracker t;  // store and run folder: ./.consist
  const heat_config cfg{.nx = 256, .ny = 256, .steps = 2000, .diffusivity = 1e-4, .dx = 0.01, .dt = 0.2,
                        .hot_edge = 100.0, .initial = 20.0};
  int computed = 0;
  auto step = [&](const heat_config& c, consist::run_context& ctx) {
    ++computed;
    return diffuse(c, ctx);
  };
  bool story_holds = true;
  for (int call = 1; call <= 2; ++call) {
    auto res = t.run(step, consist::name{"heat"}, consist::config{cfg}, consist::outputs{"temperature.csv"});
    std::printf("call %d: %s in %.3f s (run %s): mean %.3f, probe %.3f, last step changed at most %.2e\n", call,
                res.cache_hit ? "cache hit" : "executed", res.run.duration_seconds(), res.run.id.c_str(),
                res.value.mean, res.value.probe, res.value.last_change);
    // A hit's own record has no spans (nothing ran): they are on the run it reused.
    const auto computed_by = res.cache_hit ? t.store().get_run(res.run.cache_source) : res.run;
    const auto rows = computed_by ? row_span_count(*computed_by) : 0;
    if (rows != static_cast<std::uint64_t>(cfg.ny - 2) * static_cast<std::uint64_t>(cfg.steps)) {
      std::printf("STORY BROKEN: the run that computed the field counts %llu stencil rows, not (ny - 2) * steps\n",
                  static_cast<unsigned long long>(rows));
      story_holds = false;
    } else if (call == 1) {
      std::printf("  spans of run %s:\n", computed_by->id.c_str());
      examples::print_spans(*computed_by);
    }
    if (call == 2 && !res.cache_hit) {
      std::printf("STORY BROKEN: the identical second run executed instead of hitting the cache\n");
      story_holds = false;
    }
  }
  if (computed > 1) {
    std::printf("STORY BROKEN: the stencil ran %d times in this process\n", computed);
    story_holds = false;
  }
  return story_holds ? 0 : 1;
}
