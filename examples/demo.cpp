// The main demo: a land-use -> travel-demand -> traffic-assignment pipeline
// over three model years, each step a tracked, cached consist run that reads
// the CSV files the previous step wrote.
//
//   pass 1  runs everything (a fresh store in ./.consist)
//   pass 2  runs the same pipeline again: every step is a cache hit
//   pass 3  changes the demand model's beta: land use is reused, demand and
//           assignment re-run
//
// then prints the runs, why two steps re-ran, and the lineage of the final
// output. It exits non-zero when any part of that story does not hold.
#include "demo/assignment.hpp"
#include "demo/demand.hpp"
#include "demo/land_use.hpp"
#include "demo/report.hpp"
#include "span_report.hpp"

#include <consist.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace {

constexpr int model_years[] = {2030, 2035, 2040};
constexpr double base_beta = 0.10, changed_beta = 0.14;  // demand's deterrence per km, before and after

const demo::land_use_config land_use_cfg{.seed = 42, .grid = 20, .population = 400000, .jobs = 180000,
                                         .population_growth = 0.06, .job_growth = 0.05, .job_centrality = 0.25};
const demo::assignment_config assignment_cfg{.peak_hour_share = 0.1, .capacity_vph = 900, .speed_kmh = 40,
                                             .cell_km = 1.0, .bpr_alpha = 0.15, .bpr_power = 4,
                                             .max_iterations = 200, .gap_tolerance = 2e-5};

demo::demand_config demand_cfg(double beta) {
  return {.beta = beta, .trip_rate = 1.2, .cell_km = 1.0, .max_iterations = 200, .tolerance = 1e-8};
}

struct step_outcome {
  std::string model;
  int year;
  consist::run_record run;
};

struct pass_result {
  std::vector<step_outcome> steps;
  consist::artifact final_output;
  double wall_seconds = 0;
};

void print_step(const consist::run_record& r, const std::string& detail) {
  std::printf("  %-10s %d  %-8s %9.1f ms  %s\n", r.model_name.c_str(), static_cast<int>(*r.year),
              r.cache_hit ? "hit" : "executed", r.duration_seconds() * 1e3, detail.c_str());
}

std::string format(const char* fmt, double a, double b = 0, double c = 0) {
  char buf[160];
  std::snprintf(buf, sizeof buf, fmt, a, b, c);
  return buf;
}

// One pass over the model years. Each year's land use grows the previous
// year's zones; demand reads that year's zones; assignment reads both.
// With scenarios, this loop body is where tracker.scenario("...") would hold
// the steps (scenario_context::run in place of tracker::run).
pass_result run_pipeline(consist::tracker& t, double beta) {
  pass_result pass;
  const auto started = std::chrono::steady_clock::now();
  std::vector<consist::input_entry> previous_zones;
  for (const int y : model_years) {
    auto land = t.run(demo::land_use_step(y, previous_zones.empty()), consist::name{"land_use"},
                      consist::config{land_use_cfg}, consist::year{y}, consist::inputs(previous_zones),
                      consist::outputs{"zones.csv"});
    print_step(land.run, format("population %.0f, jobs %.0f", land.value.population, land.value.jobs));
    const auto& zones = land.outputs.at("zones.csv");

    auto demand = t.run(demo::demand_step(), consist::name{"demand"}, consist::config{demand_cfg(beta)},
                        consist::year{y}, consist::inputs{{"zones", zones}}, consist::outputs{"trips.csv"});
    print_step(demand.run, format("%.0f trips/day, mean %.2f km, balanced in %.0f iterations",
                                  demand.value.trips, demand.value.mean_trip_km, demand.value.iterations));

    auto assign = t.run(demo::assignment_step(), consist::name{"assignment"}, consist::config{assignment_cfg},
                        consist::year{y}, consist::inputs{{"zones", zones}, {"trips", demand.outputs.at("trips.csv")}},
                        consist::outputs{"link_flows.csv"});
    print_step(assign.run, format("%.0f veh-h, gap %.1e after %.0f Frank-Wolfe iterations",
                                  assign.value.vehicle_hours, assign.value.relative_gap, assign.value.iterations));

    pass.steps.push_back({"land_use", y, land.run});
    pass.steps.push_back({"demand", y, demand.run});
    pass.steps.push_back({"assignment", y, assign.run});
    pass.final_output = assign.outputs.at("link_flows.csv");
    previous_zones = {{"zones", zones}};
  }
  pass.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return pass;
}

// The story's checks: a failed one is printed and makes the demo exit non-zero.
int failures = 0;
void expect(bool ok, const std::string& what) {
  if (!ok) {
    std::printf("STORY BROKEN: %s\n", what.c_str());
    ++failures;
  }
}

const consist::run_record& step_run(const pass_result& p, const std::string& model, int year) {
  return std::find_if(p.steps.begin(), p.steps.end(),
                      [&](const step_outcome& s) { return s.model == model && s.year == year; })
      ->run;
}

}  // namespace

int main() {
  // The demo always starts from an empty store, so its first pass executes.
  const std::filesystem::path home = ".consist";
  if (std::filesystem::exists(home)) {
    std::printf("removing %s from an earlier demo run\n", std::filesystem::absolute(home).c_str());
    std::filesystem::remove_all(home);
  }
  consist::tracker t{consist::tracker_config{.store = home, .run_dir = home}};
  std::printf("store and run folder: %s\n", t.run_dir().c_str());

  std::printf("\n== pass 1: the pipeline, %d model years\n", static_cast<int>(std::size(model_years)));
  const auto first = run_pipeline(t, base_beta);
  std::printf("  pass 1 took %.2f s\n", first.wall_seconds);
  for (const auto& s : first.steps) expect(!s.run.cache_hit, s.model + " " + std::to_string(s.year) + " should execute in pass 1");
  const auto& first_assignment = step_run(first, "assignment", model_years[0]);
  std::printf("  hot-loop spans recorded in %s (assignment %d):\n", first_assignment.id.c_str(), model_years[0]);
  examples::print_spans(first_assignment);
  expect(!first_assignment.span_stats.empty(), "the executed assignment step should carry its spans");

  std::printf("\n== pass 2: the same pipeline again\n");
  const auto second = run_pipeline(t, base_beta);
  std::printf("  pass 2 took %.1f ms (%.0fx faster than pass 1)\n", second.wall_seconds * 1e3,
              first.wall_seconds / second.wall_seconds);
  for (const auto& s : second.steps) expect(s.run.cache_hit, s.model + " " + std::to_string(s.year) + " should hit in pass 2");

  std::printf("\n== pass 3: demand's beta %.2f -> %.2f (trips get shorter)\n", base_beta, changed_beta);
  const auto third = run_pipeline(t, changed_beta);
  std::printf("  pass 3 took %.2f s\n", third.wall_seconds);
  for (const auto& s : third.steps)
    expect(s.run.cache_hit == (s.model == "land_use"),
           s.model + " " + std::to_string(s.year) + (s.model == "land_use" ? " should hit" : " should re-run") + " in pass 3");

  // With the command-line tool, the three reports below are `consist runs`,
  // `consist why RUN_ID` and `consist lineage link_flows.csv`.
  std::printf("\n== the runs in the store (oldest first)\n");
  demo::print_runs_table(t);

  std::printf("\n== why\n");
  const auto& demand_rerun = step_run(third, "demand", model_years[0]);
  const auto& assign_rerun = step_run(third, "assignment", model_years[0]);
  demo::print_why(t, demand_rerun);
  demo::print_why(t, assign_rerun);
  expect(demand_rerun.explanation && demand_rerun.explanation->changed_config_fields == std::vector<std::string>{"beta"},
         "the re-run demand step should name the config field beta");
  expect(assign_rerun.explanation && assign_rerun.explanation->changed_inputs.size() == 1 &&
             demo::input_key(assign_rerun.explanation->changed_inputs[0]) == "trips",
         "the re-run assignment step should name its input trips (and only it)");
  expect(demo::input_producer(t, assign_rerun.id, "trips") == demand_rerun.id,
         "the re-run assignment should read the re-run demand step's trips");

  std::printf("\n== lineage of the final output (%d's link flows)\n", model_years[std::size(model_years) - 1]);
  const auto visited = demo::print_lineage(t, third.final_output);
  const auto& base_land_use = step_run(first, "land_use", model_years[0]);
  expect(visited.count(base_land_use.id) == 1, "the lineage should reach the base-year land use run");

  if (failures != 0) {
    std::printf("\n%d part(s) of the story did not hold\n", failures);
    return 1;
  }
  std::printf("\nthe story held: pass 1 executed all %zu steps, pass 2 reused all of them, pass 3 reused "
              "land use and re-ran demand and assignment\n", first.steps.size());
  return 0;
}
