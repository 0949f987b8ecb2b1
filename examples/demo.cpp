// The main demo: a land-use -> travel-demand -> traffic-assignment pipeline
// over three model years. Each pass over the years is a scenario
// (tracker::scenario); each step is a scenario step (sc.run), a tracked,
// cached consist run that reads the CSV files earlier steps wrote, handed
// over by the scenario's coupler.
//
//   pass 1  scenario "baseline": every step executes (a fresh store in ./.consist)
//   pass 2  scenario "baseline" again: every step is a cache hit
//   pass 3  scenario "beta_0.14", the demand model's beta changed: land use is
//           reused, demand and assignment re-run
//
// Then the `consist` command-line tool shows the runs, why the re-run demand
// step executed, and the lineage of the final output. The demo exits non-zero
// when any part of that story does not hold (story.hpp).
#include "demo/assignment.hpp"
#include "demo/demand.hpp"
#include "demo/land_use.hpp"
#include "demo/report.hpp"
#include "demo/story.hpp"
#include "span_report.hpp"

#include <consist.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace {

// The `consist` tool the demo ends with: examples/CMakeLists.txt sets this to
// the one it builds.
#ifdef CONSIST_DEMO_CLI
constexpr const char* consist_tool = CONSIST_DEMO_CLI;
#else
constexpr const char* consist_tool = nullptr;
#endif

constexpr int model_years[] = {2030, 2035, 2040};
constexpr int base_year = model_years[0], final_year = model_years[std::size(model_years) - 1];
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
  consist::run_record scenario;  // the header run
  std::vector<step_outcome> steps;
  consist::artifact final_output;  // the final year's link flows
  double wall_seconds = 0;

  const consist::run_record& step(const std::string& model, int year) const {
    for (const auto& s : steps)
      if (s.model == model && s.year == year) return s.run;
    throw consist::error("no step " + model + " " + std::to_string(year) + " in the pass",
                         "the pipeline's steps or years changed", "ask for a step the pipeline runs");
  }
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

// One pass: a scenario whose steps are the model years' land use, demand and
// assignment. Each year's land use grows the previous year's zones; demand
// reads that year's zones; assignment reads them and the trips. The coupler
// holds the newest output of each key, so "zones.csv" is last year's zones
// until this year's land use replaces it.
pass_result run_pipeline(consist::tracker& t, const char* scenario_name, double beta) {
  pass_result pass;
  const auto started = std::chrono::steady_clock::now();
  auto sc = t.scenario(scenario_name, consist::require_outputs{"link_flows.csv"});
  for (const int y : model_years) {
    std::vector<consist::input_entry> previous_zones;
    if (y != base_year) previous_zones.emplace_back("zones", sc.coupler().at("zones.csv"));
    auto land = sc.run(demo::land_use_step(y, y == base_year), consist::name{"land_use"},
                       consist::config{land_use_cfg}, consist::year{y}, consist::inputs(previous_zones),
                       consist::outputs{"zones.csv"});
    print_step(land.run, format("population %.0f, jobs %.0f", land.value.population, land.value.jobs));

    auto demand = sc.run(demo::demand_step(), consist::name{"demand"}, consist::config{demand_cfg(beta)},
                         consist::year{y}, consist::inputs{{"zones", sc.coupler().at("zones.csv")}},
                         consist::outputs{"trips.csv"});
    print_step(demand.run, format("%.0f trips/day, mean %.2f km, balanced in %.0f iterations",
                                  demand.value.trips, demand.value.mean_trip_km, demand.value.iterations));

    auto assign = sc.run(demo::assignment_step(), consist::name{"assignment"}, consist::config{assignment_cfg},
                         consist::year{y},
                         consist::inputs{{"zones", sc.coupler().at("zones.csv")},
                                         {"trips", sc.coupler().at("trips.csv")}},
                         consist::outputs{"link_flows.csv"});
    print_step(assign.run, format("%.0f veh-h, gap %.1e after %.0f Frank-Wolfe iterations",
                                  assign.value.vehicle_hours, assign.value.relative_gap, assign.value.iterations));

    pass.steps.push_back({"land_use", y, land.run});
    pass.steps.push_back({"demand", y, demand.run});
    pass.steps.push_back({"assignment", y, assign.run});
  }
  pass.final_output = sc.coupler().at("link_flows.csv");
  pass.scenario = sc.finish();
  pass.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return pass;
}

void print_pass_end(int number, const pass_result& p, const std::string& speed) {
  std::printf("  pass %d took %s; scenario run %s %s\n", number, speed.c_str(), p.scenario.id.c_str(),
              consist::to_string(p.scenario.status));
}

// The top-level config fields whose values differ between two executed runs.
std::vector<std::string> changed_fields(const consist::run_record& a, const consist::run_record& b) {
  std::vector<std::string> out;
  const auto* x = a.config.if_object();
  const auto* y = b.config.if_object();
  if (x == nullptr || y == nullptr) return {"(a config is missing)"};
  for (const auto& [key, value] : *y)
    if (!x->contains(key) || x->at(key) != value) out.emplace_back(key);
  return out;
}

struct tool_reports {
  demo::cli_output runs, why, lineage;
};

// The store through the `consist` tool: the runs, why pass 3's first demand
// step executed, and the lineage of the final output.
tool_reports show_store(const std::string& store, const pass_result& third) {
  tool_reports out;
  std::printf("\n== the store, through the consist command-line tool (%s)\n\n", consist_tool);
  out.runs = demo::run_cli(consist_tool, {"--store", store, "runs"});
  std::printf("\n");
  out.why = demo::run_cli(consist_tool, {"--store", store, "why", third.step("demand", base_year).id});
  std::printf("\n");
  out.lineage = demo::run_cli(consist_tool, {"--store", store, "lineage", third.final_output.key});
  return out;
}

// The story, from the run records and from what the tool printed.
void check_story(demo::story& story, const pass_result (&passes)[3], const tool_reports& tool) {
  const auto& first = passes[0];
  const auto& third = passes[2];
  story.expect(tool.runs.exit_code == 0 && tool.why.exit_code == 0 && tool.lineage.exit_code == 0,
               "every consist command should succeed");
  for (int n = 1; n <= 3; ++n) {
    const auto& p = passes[n - 1];
    story.expect(p.scenario.status == consist::run_status::completed, "scenario " + p.scenario.id + " should complete");
    story.expect(demo::listed_cache(tool.runs, p.scenario.id) == "miss",
                 "`consist runs` should list scenario " + p.scenario.id);
    for (const auto& s : p.steps) {
      const bool hit = n == 2 || (n == 3 && s.model == "land_use");
      const std::string claim = s.model + " " + std::to_string(s.year) + " should " +
                                (hit ? "be a cache hit" : "execute") + " in pass " + std::to_string(n);
      story.expect(s.run.cache_hit == hit && s.run.parent_run_id == p.scenario.id, claim + " (its record)");
      story.expect(demo::listed_cache(tool.runs, s.run.id) == (hit ? "hit" : "miss"), claim + " (`consist runs`)");
    }
  }
  story.expect(!first.step("assignment", base_year).span_stats.empty(),
               "the executed assignment step should carry its spans");

  const auto& demand_rerun = third.step("demand", base_year);
  const auto why = demo::check_why_fields(tool.why, "beta", format("%g", base_beta), format("%g", changed_beta));
  story.expect(why.names_field && !why.names_others,
               "`consist why " + demand_rerun.id + "` should name beta, and only beta, as the changed config field");
  story.expect(changed_fields(first.step("demand", base_year), demand_rerun) == std::vector<std::string>{"beta"},
               "the recorded configs of demand in passes 1 and 3 should differ in beta only");
  const auto& assign_rerun = third.step("assignment", base_year);
  story.expect(assign_rerun.explanation && assign_rerun.explanation->changed_inputs.size() == 1 &&
                   assign_rerun.explanation->changed_inputs[0].starts_with("trips (from run " + demand_rerun.id),
               "the re-run assignment should have re-run because of its input trips, from the re-run demand step");

  story.expect(demo::lineage_root(tool.lineage) == third.final_output.id,
               "`consist lineage` should show the final output of pass 3");
  for (const auto* producer : {&third.step("assignment", final_year), &third.step("demand", final_year),
                               &first.step("land_use", base_year)})
    story.expect(demo::lineage_shows_run(tool.lineage, producer->id),
                 "the lineage of the final output should reach run " + producer->id);
}

}  // namespace

int main() {
  if (consist_tool == nullptr) {
    std::printf("STORY BROKEN: the demo ends with the consist command-line tool, which this build lacks; "
                "configure with -DCONSIST_BUILD_TOOLS=ON\n");
    return 1;
  }
  // The demo always starts from an empty store, so its first pass executes.
  const std::filesystem::path home = ".consist";
  if (std::filesystem::exists(home)) {
    std::printf("removing %s from an earlier demo run\n", std::filesystem::absolute(home).c_str());
    std::filesystem::remove_all(home);
  }
  consist::tracker t{consist::tracker_config{.store = home, .run_dir = home}};
  std::printf("store and run folder: %s\n", t.run_dir().c_str());
  pass_result passes[3];

  std::printf("\n== pass 1: scenario baseline, model years %d to %d\n", base_year, final_year);
  passes[0] = run_pipeline(t, "baseline", base_beta);
  print_pass_end(1, passes[0], format("%.2f s", passes[0].wall_seconds));
  std::printf("  hot-loop spans recorded with assignment %d:\n", base_year);
  examples::print_spans(passes[0].step("assignment", base_year));

  std::printf("\n== pass 2: scenario baseline again\n");
  passes[1] = run_pipeline(t, "baseline", base_beta);
  print_pass_end(2, passes[1], format("%.1f ms (%.0fx faster)", passes[1].wall_seconds * 1e3,
                                      passes[0].wall_seconds / passes[1].wall_seconds));

  std::printf("\n== pass 3: scenario beta_0.14, demand's beta %.2f -> %.2f (trips get shorter)\n", base_beta,
              changed_beta);
  passes[2] = run_pipeline(t, "beta_0.14", changed_beta);
  print_pass_end(3, passes[2], format("%.2f s", passes[2].wall_seconds));

  const auto reports = show_store(home.string(), passes[2]);
  demo::story story;
  check_story(story, passes, reports);
  if (story.failures() != 0) {
    std::printf("\n%d part(s) of the story did not hold\n", story.failures());
    return 1;
  }
  std::printf("\nthe story held: pass 1 executed all %zu steps, pass 2 reused all of them,\n"
              "pass 3 reused land use and re-ran demand and assignment. To look further:\n"
              "  %s --store %s show RUN_ID    (or why, diff, export; --help)\n",
              passes[0].steps.size(), consist_tool, std::filesystem::absolute(home).c_str());
  return 0;
}
