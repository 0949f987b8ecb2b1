// Scenarios: parent ids and unique step ids, the coupler, required outputs,
// failing steps, refused nesting and late inputs, the header record.
#include <consist.hpp>

#include <doctest/doctest.h>

#include "run_fixtures.hpp"

#include <boost/hana/define_struct.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

namespace {

using run_fixtures::read_file;
using run_fixtures::scratch_config;
using run_fixtures::write_file;

struct scenario_config {
  BOOST_HANA_DEFINE_STRUCT(scenario_config, (int, year), (double, growth));
};

std::vector<std::string> meta_strings(const consist::run_record& r, const char* key) {
  std::vector<std::string> out;
  for (const auto& v : r.meta.at(key).as_array()) out.emplace_back(v.as_string());
  return out;
}

void make_trips(const scenario_config& c, consist::run_context& ctx) {
  write_file(ctx.output_path("trips"), "trips x" + std::to_string(c.growth));
}

void assign(consist::run_context& ctx) { write_file(ctx.output_path("skims"), "skims from " + read_file(ctx.input_path("trips"))); }

}  // namespace

static_assert(!std::is_copy_constructible_v<consist::scenario_context>);
static_assert(!std::is_move_constructible_v<consist::scenario_context>);

TEST_CASE("steps carry the header's id as parent_run_id and the coupler hands outputs over") {
  consist::tracker t(scratch_config("scenario-chain"));
  const scenario_config cfg{2030, 1.5};
  std::string header_id;
  std::vector<std::string> step_ids;
  {
    auto sc = t.scenario("baseline", consist::config{cfg}, consist::require_outputs{"skims"});
    header_id = sc.id();
    CHECK(sc.record().status == consist::run_status::running);
    CHECK(t.store().get_run(header_id)->status == consist::run_status::running);

    auto demand = sc.run(make_trips, consist::name{"demand"}, consist::config{cfg}, consist::outputs{"trips"});
    REQUIRE(sc.coupler().contains("trips"));
    CHECK(sc.coupler().at("trips").id == demand.outputs.at("trips").id);
    auto assigned =
        sc.run(assign, consist::name{"assign"}, consist::inputs{{"trips", sc.coupler().at("trips")}}, consist::outputs{"skims"});
    CHECK(read_file(t.run_dir() / assigned.outputs.at("skims").location) == "skims from trips x" + std::to_string(1.5));
    {
      auto report = sc.trace("report", consist::inputs{{"skims", sc.coupler().at("skims")}});
      write_file(report.output_path("summary.txt"), "ok");
      report.log_output("summary.txt", report.output_path("summary.txt"));
    }
    CHECK(sc.coupler().keys() == std::vector<std::string>{"skims", "summary.txt", "trips"});
    CHECK(demand.run.parent_run_id == header_id);
    CHECK(assigned.run.parent_run_id == header_id);
    const auto header = sc.finish();
    CHECK(header.status == consist::run_status::completed);
    step_ids = meta_strings(header, "steps");
    CHECK(header.meta.at("coupler").as_object().at("skims").as_string() == assigned.outputs.at("skims").id);
  }
  REQUIRE(step_ids.size() == 3);
  CHECK(step_ids[0] == header_id + ".1.demand");
  CHECK(step_ids[1] == header_id + ".2.assign");
  CHECK(step_ids[2] == header_id + ".3.report");

  consist::run_query children;
  children.parent = header_id;
  const auto runs = t.find_runs(children);
  CHECK(runs.size() == 3);
  for (const auto& r : runs) CHECK(r.parent_run_id == header_id);
  const auto stored = t.store().get_run(header_id);
  REQUIRE(stored.has_value());
  CHECK(stored->status == consist::run_status::completed);
  CHECK(stored->parent_run_id.empty());

  // The same scenario again: every step hits, the hits still have the new
  // header as parent, and the coupler hands over the cached outputs.
  auto sc = t.scenario("baseline", consist::config{cfg}, consist::require_outputs{"skims"});
  auto demand = sc.run(make_trips, consist::name{"demand"}, consist::config{cfg}, consist::outputs{"trips"});
  CHECK(demand.cache_hit);
  CHECK(demand.run.parent_run_id == sc.id());
  auto assigned =
      sc.run(assign, consist::name{"assign"}, consist::inputs{{"trips", sc.coupler().at("trips")}}, consist::outputs{"skims"});
  CHECK(assigned.cache_hit);
  CHECK(sc.coupler().at("skims").producing_run_id == step_ids[1]);
  const auto header = sc.finish();
  CHECK(header.status == consist::run_status::completed);
  children.parent = sc.id();
  CHECK(t.find_runs(children).size() == 2);  // hit records were flushed by finish()
}

TEST_CASE("step ids never collide, also for one name in a loop") {
  consist::tracker t(scratch_config("scenario-loop"));
  auto sc = t.scenario("loop");
  std::set<std::string> ids;
  for (int i = 0; i < 4; ++i) {
    auto tr = sc.trace("iterate");  // identical identity each time: hits after the first
    CHECK(tr.cached() == (i > 0));
    ids.insert(tr.finish().id);
  }
  for (int i = 0; i < 3; ++i) ids.insert(sc.run([] { return 1; }, consist::name{"repeat"}).run.id);
  CHECK(ids.size() == 7);
  // A run with a trace's identity cannot restore a value the trace never returned.
  CHECK_THROWS_AS(sc.run([] { return 1; }, consist::name{"iterate"}), consist::identity_error);
  CHECK_NOTHROW(sc.run([] {}, consist::name{"iterate"}));
  const auto header = sc.finish();
  const auto steps = meta_strings(header, "steps");
  CHECK(steps.size() == 8);  // the refused step left no record; the void one hit
  const std::set<std::string> recorded(steps.begin(), steps.end());
  CHECK(recorded.size() == 8);
  CHECK(std::includes(recorded.begin(), recorded.end(), ids.begin(), ids.end()));
  consist::run_query q;
  q.parent = sc.id();
  CHECK(t.find_runs(q).size() == 8);
}

TEST_CASE("a required output missing from the coupler fails the header") {
  consist::tracker t(scratch_config("scenario-required"));
  SUBCASE("finish() throws an output_error naming it") {
    auto sc = t.scenario("partial", consist::require_outputs{"trips", "skims"});
    sc.run(make_trips, consist::name{"demand"}, consist::config{scenario_config{2030, 1.0}}, consist::outputs{"trips"});
    try {
      sc.finish();
      FAIL("finish() did not throw");
    } catch (const consist::output_error& e) {
      CHECK(std::string(e.what()).find("skims") != std::string::npos);
      CHECK(std::string(e.what()).find("trips") == std::string::npos);
    }
    const auto stored = t.store().get_run(sc.id());
    REQUIRE(stored.has_value());
    CHECK(stored->status == consist::run_status::failed);
    CHECK(stored->error.find("required outputs missing from the coupler: skims") != std::string::npos);
    CHECK(meta_strings(*stored, "missing_outputs") == std::vector<std::string>{"skims"});
  }
  SUBCASE("the destructor fails it without throwing") {
    std::string id;
    {
      auto sc = t.scenario("partial", consist::require_outputs{"skims"});
      id = sc.id();
    }
    CHECK(t.store().get_run(id)->status == consist::run_status::failed);
  }
}

TEST_CASE("an exception in a step fails the header and names the step") {
  consist::tracker t(scratch_config("scenario-step-fails"));
  std::string header_id;
  SUBCASE("a run step") {
    try {
      auto sc = t.scenario("fragile");
      header_id = sc.id();
      sc.run([] { return 1; }, consist::name{"prepare"});
      sc.run([]() -> int { throw std::runtime_error("solver diverged"); }, consist::name{"solve"});
    } catch (const std::runtime_error&) {
    }
    const auto header = t.store().get_run(header_id);
    REQUIRE(header.has_value());
    CHECK(header->status == consist::run_status::failed);
    CHECK(header->error.find("'solve'") != std::string::npos);
    CHECK(header->error.find("solver diverged") != std::string::npos);
    CHECK(header->error.find(header_id + ".2.solve") != std::string::npos);
    const auto steps = meta_strings(*header, "steps");
    CHECK(steps == std::vector<std::string>{header_id + ".1.prepare", header_id + ".2.solve"});
    CHECK(t.store().get_run(header_id + ".2.solve")->status == consist::run_status::failed);
  }
  SUBCASE("a trace step") {
    try {
      auto sc = t.scenario("fragile");
      header_id = sc.id();
      auto tr = sc.trace("converge");
      throw std::runtime_error("no convergence");
    } catch (const std::runtime_error&) {
    }
    const auto header = t.store().get_run(header_id);
    REQUIRE(header.has_value());
    CHECK(header->status == consist::run_status::failed);
    CHECK(header->error.find("step '" + header_id + ".1.converge' failed") != std::string::npos);
  }
  SUBCASE("a caught step failure still fails the header at finish()") {
    auto sc = t.scenario("fragile");
    CHECK_THROWS_AS(sc.run([] { throw std::logic_error("bad state"); }, consist::name{"check"}), std::logic_error);
    const auto header = sc.finish();
    CHECK(header.status == consist::run_status::failed);
    CHECK(header.error.find("bad state") != std::string::npos);
  }
}

TEST_CASE("a nested scenario is refused; one per tracker and thread") {
  consist::tracker t(scratch_config("scenario-nesting"));
  {
    auto sc = t.scenario("outer");
    CHECK_THROWS_AS(t.scenario("inner"), consist::usage_error);
    // Also from inside a step.
    CHECK_THROWS_AS(sc.run([&] { auto inner = t.scenario("inner"); }, consist::name{"nests"}), consist::usage_error);
    // Another thread may run its own scenario.
    bool other_thread_ok = false;
    std::thread([&] {
      auto other = t.scenario("parallel");
      other_thread_ok = other.finish().status == consist::run_status::completed;
    }).join();
    CHECK(other_thread_ok);
    // Another tracker is independent.
    consist::tracker second(scratch_config("scenario-nesting-2"));
    auto independent = second.scenario("independent");
    CHECK(independent.finish().status == consist::run_status::completed);
    sc.finish();
    CHECK_THROWS_AS(sc.run([] {}, consist::name{"late"}), consist::usage_error);
  }
  auto after = t.scenario("after");  // the first one ended: allowed
  CHECK(after.finish().status == consist::run_status::completed);
}

TEST_CASE("header inputs: added before the first step and linked; refused after it") {
  consist::tracker t(scratch_config("scenario-inputs"));
  const auto land_use = t.run_dir() / "land_use.csv";
  const auto network = t.run_dir() / "network.csv";
  write_file(land_use, "zone,pop\n1,100\n");
  write_file(network, "a,b\n");
  auto sc = t.scenario("with-inputs", consist::inputs{{"land_use", land_use}});
  const auto net = sc.add_input("network", network);
  CHECK_THROWS_AS(sc.add_input("land_use", land_use), consist::usage_error);  // already given
  sc.run([] {}, consist::name{"first"});
  CHECK_THROWS_AS(sc.add_input("late", network), consist::usage_error);
  const auto header = sc.finish();
  std::set<std::string> keys;
  for (const auto& l : header.links)
    if (l.direction == consist::link_direction::input) keys.insert(l.key);
  CHECK(keys == std::set<std::string>{"land_use", "network"});
  const auto links = t.store().links_of_artifact(net.id);
  REQUIRE(links.size() == 1);
  CHECK(links[0].run_id == sc.id());
}

TEST_CASE("finishing with a step trace still open is refused and fails the header") {
  consist::tracker t(scratch_config("scenario-open-step"));
  auto sc = t.scenario("hasty");
  auto tr = sc.trace("slow");
  CHECK_THROWS_AS(sc.finish(), consist::usage_error);
  CHECK(t.store().get_run(sc.id())->status == consist::run_status::failed);
  tr.finish();  // the step itself still ends normally
  CHECK(t.store().get_run(tr.id())->status == consist::run_status::completed);
}

TEST_CASE("a scenario and step name too long together for a step id are refused, naming both") {
  consist::tracker t(scratch_config("scenario-long-step"));
  const std::string scenario_name(120, 's'), step_name(130, 'p');  // each within the limit of a name
  t.run([] { return 1; }, consist::name{step_name});                 // fine outside a scenario
  auto sc = t.scenario(scenario_name);
  bool ran = false;
  auto step = [&] {
    ran = true;
    return 2;
  };
  const auto refused = [&](const consist::usage_error& e) {
    CHECK(e.problem().find("scenario '" + scenario_name + "' and step '" + step_name + "'") != std::string::npos);
    CHECK(e.suggested_fix().find("at most 238 characters together") != std::string::npos);
  };
  try {
    sc.run(step, consist::name{step_name}, consist::year{2030});  // a miss
    FAIL("the step was accepted");
  } catch (const consist::usage_error& e) {
    refused(e);
  }
  try {
    sc.run(step, consist::name{step_name});  // a hit on the run above
    FAIL("the step was accepted");
  } catch (const consist::usage_error& e) {
    refused(e);
  }
  CHECK_THROWS_AS(sc.trace(step_name), consist::usage_error);
  CHECK_FALSE(ran);
  // A step whose names just fit runs on (a hit: its id makes no file name).
  const std::string fitting(238 - scenario_name.size(), 'q');
  t.run([] { return 3; }, consist::name{fitting});
  const auto fits = sc.run([] { return 3; }, consist::name{fitting});
  CHECK(fits.cache_hit);
  CHECK(fits.run.id.size() == consist::limits::label_chars);
  const auto header = sc.finish();
  CHECK(header.status == consist::run_status::failed);
  CHECK(header.error.find("step 1 '" + step_name + "' failed: Problem: scenario '" + scenario_name + "'") !=
        std::string::npos);
  CHECK(meta_strings(header, "steps") == std::vector<std::string>{fits.run.id});
}

TEST_CASE("a step refused for a run_id another run holds does not name that run as the scenario's step") {
  consist::tracker t(scratch_config("scenario-step-taken-id"));
  t.run([] { return 1; }, consist::name{"calibrate"}, consist::run_id{"calib"});  // an unrelated run
  auto sc = t.scenario("baseline");
  CHECK_THROWS_WITH_AS(sc.run([] { return 2; }, consist::name{"demand"}, consist::run_id{"calib"}),
                       doctest::Contains("already names another run"), consist::usage_error);
  // Nor the record an earlier step of the same scenario left under that id.
  const auto first = sc.run([] { return 3; }, consist::name{"supply"}, consist::run_id{"supply_run"});
  CHECK_THROWS_AS(sc.run([] { return 4; }, consist::name{"supply2"}, consist::run_id{"supply_run"}),
                  consist::usage_error);
  sc.finish();
  const auto header = t.store().get_run(sc.id());
  REQUIRE(header.has_value());
  CHECK(header->status == consist::run_status::failed);
  CHECK(meta_strings(*header, "steps") == std::vector<std::string>{"supply_run"});
  CHECK(header->error.find("step 1 'demand' failed") != std::string::npos);
  CHECK(header->error.find("(run calib)") == std::string::npos);
  CHECK(t.store().get_run("calib")->parent_run_id.empty());
  CHECK(first.run.parent_run_id == sc.id());
}
