// Queries over recorded runs: find_runs filters, find_latest_run,
// get_artifact, lineage (chain, depth limit, shared ancestors, cycles) and
// diff_runs.
#include <consist.hpp>

#include <doctest/doctest.h>

#include "run_fixtures.hpp"

#include <boost/hana/define_struct.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using run_fixtures::scratch_config;
using run_fixtures::write_file;

struct step_config {
  BOOST_HANA_DEFINE_STRUCT(step_config, (double, alpha), (int, zones), (std::string, label));
};

/// raw file -> demand (trips) -> assign (skims) -> report (summary)
struct chain {
  consist::run_result<void> demand, assign, report;
  std::filesystem::path raw;
};

chain run_chain(consist::tracker& t, double alpha) {
  chain c;
  c.raw = t.run_dir() / "survey.csv";
  write_file(c.raw, "households\n");
  auto copy = [](const char* in, const char* out) {
    return [in, out](consist::run_context& ctx) {
      std::ifstream src(ctx.input_path(in));
      std::ofstream(ctx.output_path(out)) << src.rdbuf() << out << "\n";
    };
  };
  c.demand = t.run([alpha](consist::run_context& ctx) { write_file(ctx.output_path("trips"), std::to_string(alpha)); },
                   consist::name{"demand"}, consist::inputs{{"survey", c.raw}}, consist::outputs{"trips"},
                   consist::identity_inputs{consist::identity_value{"alpha", alpha}});
  c.assign = t.run(copy("trips", "skims"), consist::name{"assign"},
                   consist::inputs{{"trips", c.demand.outputs.at("trips")}}, consist::outputs{"skims"});
  c.report = t.run(copy("skims", "summary"), consist::name{"report"},
                   consist::inputs{{"skims", c.assign.outputs.at("skims")}}, consist::outputs{"summary"});
  return c;
}

consist::run_record synthetic_run(const std::string& id, const std::string& model, std::int64_t ns) {
  consist::run_record r;
  r.id = id;
  r.model_name = model;
  r.status = consist::run_status::completed;
  r.created_at = r.started_at = r.updated_at = consist::timestamp(std::chrono::nanoseconds(ns));
  return r;
}

consist::artifact synthetic_artifact(const std::string& id, const std::string& key, const std::string& producer) {
  consist::artifact a;
  a.id = id;
  a.key = key;
  a.location = "outputs/" + key;
  a.producing_run_id = producer;
  return a;
}

}  // namespace

TEST_CASE("lineage of a 3-step chain walks back through every producer to the raw input") {
  consist::tracker t(scratch_config("lineage-chain"));
  const chain c = run_chain(t, 0.5);
  const auto& summary = c.report.outputs.at("summary");

  const consist::lineage_node root = consist::lineage(t, summary.id);
  CHECK(root.item.id == summary.id);
  REQUIRE(root.producer.has_value());
  CHECK(root.producer->id == c.report.run.id);
  REQUIRE(root.inputs.size() == 1);
  const auto& skims = root.inputs[0];
  CHECK(skims.item.id == c.assign.outputs.at("skims").id);
  CHECK(skims.used_as == "skims");
  REQUIRE(skims.producer.has_value());
  CHECK(skims.producer->id == c.assign.run.id);
  REQUIRE(skims.inputs.size() == 1);
  const auto& trips = skims.inputs[0];
  REQUIRE(trips.producer.has_value());
  CHECK(trips.producer->id == c.demand.run.id);
  REQUIRE(trips.inputs.size() == 1);
  const auto& survey = trips.inputs[0];
  CHECK(survey.used_as == "survey");
  CHECK_FALSE(survey.producer.has_value());  // a plain file
  CHECK(survey.item.producing_run_id.empty());
  CHECK(std::filesystem::path(survey.item.location) == std::filesystem::path("survey.csv"));

  const auto runs = consist::lineage_runs(root);
  REQUIRE(runs.size() == 3);
  CHECK(runs[0].id == c.report.run.id);
  CHECK(runs[1].id == c.assign.run.id);
  CHECK(runs[2].id == c.demand.run.id);

  SUBCASE("the depth limit stops the walk and says so") {
    const auto one = consist::lineage(t.store(), summary, 1);
    REQUIRE(one.producer.has_value());
    REQUIRE(one.inputs.size() == 1);
    CHECK(one.inputs[0].truncated);
    CHECK_FALSE(one.inputs[0].producer.has_value());
    const auto none = consist::lineage(t.store(), summary, 0);
    CHECK(none.truncated);
    CHECK(consist::lineage_runs(none).empty());
  }
  SUBCASE("by key: the newest artifact produced under that key") {
    const chain newer = run_chain(t, 0.75);  // a new demand, so new skims and summary
    const auto by_key = consist::lineage_of_key(t.store(), "summary");
    CHECK(by_key.item.id == newer.report.outputs.at("summary").id);
    CHECK(consist::lineage_runs(by_key)[2].id == newer.demand.run.id);
    CHECK_THROWS_AS(consist::lineage_of_key(t.store(), "no-such-key"), consist::not_found_error);
  }
  CHECK_THROWS_AS(consist::lineage(t, "00000000-0000-0000-0000-000000000000"), consist::not_found_error);
}

TEST_CASE("lineage_of_key after a pass that reverts a change: the artifact the newest run (a hit) reused") {
  consist::tracker t(scratch_config("lineage-revert"));
  auto step = [](const step_config& c, consist::run_context& ctx) {
    write_file(ctx.output_path("trips"), std::to_string(c.alpha));
  };
  std::vector<consist::run_result<void>> passes;
  for (double alpha : {1.0, 2.0, 1.0})  // a baseline, a trial, and back to the baseline (a hit)
    passes.push_back(t.run(step, consist::name{"demand"}, consist::config{step_config{alpha, 4, "base"}},
                           consist::outputs{"trips"}));
  REQUIRE(passes[2].cache_hit);
  t.flush();
  const auto& used = passes[2].outputs.at("trips");
  CHECK(used.id == passes[0].outputs.at("trips").id);

  const auto latest = consist::find_latest_artifact(t.store(), "trips");
  REQUIRE(latest.has_value());
  CHECK(latest->id == used.id);
  const auto by_key = consist::lineage_of_key(t.store(), "trips");
  CHECK(by_key.item.id == used.id);
  REQUIRE(by_key.producer.has_value());
  CHECK(by_key.producer->id == passes[0].run.id);
}

TEST_CASE("lineage expands a shared ancestor once and ends a cycle") {
  consist::tracker t(scratch_config("lineage-cycle"));
  // A cycle the API cannot make, written directly: a reads y (made by b), b reads x (made by a).
  auto a = synthetic_run("cyc_a", "cyc", 1000);
  auto b = synthetic_run("cyc_b", "cyc", 2000);
  const auto x = synthetic_artifact("art-x", "x", "cyc_a");
  const auto y = synthetic_artifact("art-y", "y", "cyc_b");
  a.links = {{"cyc_a", "art-y", "y", consist::link_direction::input}, {"cyc_a", "art-x", "x", consist::link_direction::output}};
  b.links = {{"cyc_b", "art-x", "x", consist::link_direction::input}, {"cyc_b", "art-y", "y", consist::link_direction::output}};
  // A diamond: d reads p and q, both made by one run m from the same input.
  auto m = synthetic_run("dia_m", "dia", 3000);
  auto d = synthetic_run("dia_d", "dia", 4000);
  const auto p = synthetic_artifact("art-p", "p", "dia_m");
  const auto q = synthetic_artifact("art-q", "q", "dia_m");
  const auto out = synthetic_artifact("art-out", "out", "dia_d");
  m.links = {{"dia_m", "art-x", "x", consist::link_direction::input}};
  d.links = {{"dia_d", "art-p", "p", consist::link_direction::input}, {"dia_d", "art-q", "q", consist::link_direction::input}};
  std::vector<consist::run_commit> commits = {{a, std::nullopt, {x}}, {b, std::nullopt, {y}},
                                              {m, std::nullopt, {p, q}}, {d, std::nullopt, {out}}};
  t.store().commit_runs(commits);

  const auto cyc = consist::lineage(t.store(), "art-x", 100);
  REQUIRE(cyc.producer.has_value());
  CHECK(cyc.producer->id == "cyc_a");
  REQUIRE(cyc.inputs.size() == 1);
  REQUIRE(cyc.inputs[0].inputs.size() == 1);
  const auto& back = cyc.inputs[0].inputs[0];
  CHECK(back.item.id == "art-x");
  CHECK(back.repeated);
  CHECK(back.inputs.empty());

  const auto dia = consist::lineage(t.store(), "art-out", 100);
  REQUIRE(dia.inputs.size() == 2);
  CHECK(dia.inputs[0].producer->id == "dia_m");
  CHECK(dia.inputs[1].producer->id == "dia_m");  // each artifact has its own node
  CHECK(consist::lineage_runs(dia).size() == 4);   // d, m, then the x cycle: a, b
}

TEST_CASE("find_runs filters by model, tag, status, year, iteration and parent; find_latest_run") {
  consist::tracker t(scratch_config("find-runs"));
  for (int y : {2030, 2035})
    for (int i = 1; i <= 2; ++i)
      t.run([] {}, consist::name{"assign"}, consist::year{y}, consist::iteration{i},
            consist::tags{y == 2030 ? "base" : "future"});
  try {
    t.run([] { throw std::runtime_error("x"); }, consist::name{"broken"});
  } catch (const std::runtime_error&) {
  }
  consist::run_query q;
  q.model = "assign";
  CHECK(consist::find_runs(t, q).size() == 4);
  q.year = 2035;
  CHECK(consist::find_runs(t.store(), q).size() == 2);
  q.iteration = 2;
  const auto one = consist::find_runs(t, q);
  REQUIRE(one.size() == 1);
  CHECK(*one[0].year == 2035);
  CHECK(*one[0].iteration == 2);

  consist::run_query tagged;
  tagged.tag = "base";
  CHECK(t.find_runs(tagged).size() == 2);
  consist::run_query failed;
  failed.status = consist::run_status::failed;
  const auto f = consist::find_runs(t, failed);
  REQUIRE(f.size() == 1);
  CHECK(f[0].model_name == "broken");
  consist::run_query limited;
  limited.model = "assign";
  limited.limit = 3;
  CHECK(consist::find_runs(t, limited).size() == 3);

  consist::run_query latest;
  latest.model = "assign";
  const auto newest = consist::find_latest_run(t, latest);
  REQUIRE(newest.has_value());
  CHECK(*newest->year == 2035);
  CHECK(*newest->iteration == 2);
  latest.model = "nothing";
  CHECK_FALSE(consist::find_latest_run(t.store(), latest).has_value());

  auto sc = t.scenario("scn");
  sc.run([] {}, consist::name{"assign"}, consist::year{2040});
  sc.finish();
  consist::run_query children;
  children.parent = sc.id();
  const auto kids = consist::find_runs(t, children);
  REQUIRE(kids.size() == 1);
  CHECK(*kids[0].year == 2040);
}

TEST_CASE("get_artifact finds an output by id and nothing for an unknown id") {
  consist::tracker t(scratch_config("get-artifact"));
  auto r = t.run([](consist::run_context& ctx) { write_file(ctx.output_path("o.txt"), "o"); }, consist::name{"w"},
                 consist::outputs{"o.txt"});
  const auto& made = r.outputs.at("o.txt");
  const auto found = consist::get_artifact(t, made.id);
  REQUIRE(found.has_value());
  CHECK(*found == made);
  CHECK_FALSE(consist::get_artifact(t.store(), "00000000-0000-0000-0000-000000000000").has_value());
}

TEST_CASE("diff_runs names the identity components and config fields that differ") {
  consist::tracker t(scratch_config("diff"));
  auto step = [](const step_config& c) { return c.zones; };
  auto a = t.run(step, consist::name{"d"}, consist::config{step_config{0.5, 10, "base"}}, consist::year{2030});
  auto b = t.run(step, consist::name{"d"}, consist::config{step_config{0.7, 10, "base"}}, consist::year{2035});
  auto hit = t.run(step, consist::name{"d"}, consist::config{step_config{0.5, 10, "base"}}, consist::year{2030});
  REQUIRE(hit.cache_hit);
  t.flush();

  const auto d = consist::diff_runs(t, a.run.id, b.run.id);
  CHECK(d.a == a.run.id);
  CHECK(d.b == b.run.id);
  CHECK(d.changed_components == std::vector<std::string>{"config", "year"});
  CHECK(d.changed_config_fields == std::vector<std::string>{"alpha"});
  CHECK(d.changed_inputs.empty());
  CHECK_FALSE(d.identical());

  // A hit record keeps no config fields; its source's are used.
  const auto h = consist::diff_runs(t.store(), hit.run.id, b.run.id);
  CHECK(h.changed_config_fields == std::vector<std::string>{"alpha"});
  CHECK(consist::diff_runs(t, hit.run.id, a.run.id).identical());
  CHECK(consist::diff_runs(a.run, a.run).identical());
  CHECK_THROWS_AS(consist::diff_runs(t, a.run.id, "no_such_run"), consist::not_found_error);
}

TEST_CASE("a run whose config and description hold bytes that are not UTF-8 reads back, and later misses explain") {
  const auto config = scratch_config("not-utf8");
  const std::string latin1 = "caf\xe9 \xff\xfe";  // Latin-1, as a file name from an old system may be
  auto step = [](const step_config& c) { return c.label.size(); };
  std::string first;
  {
    consist::tracker t(config);
    first = t.run(step, consist::name{"d"}, consist::config{step_config{0.5, 1, latin1}},
                  consist::description{"from caf\xe9"}).run.id;
  }
  // A new tracker reads the record from the store (not from what it wrote).
  consist::tracker t(config);
  const auto stored = t.store().get_run(first);
  REQUIRE(stored.has_value());
  CHECK(stored->config.at("label").as_string() == latin1);
  CHECK(stored->description == "from caf\xe9");
  CHECK(consist::read_snapshot(consist::snapshot_path(config.run_dir, first)) == *stored);
  consist::run_query q;
  q.model = "d";
  CHECK(consist::find_runs(t, q).size() == 1);
  const auto miss = t.run(step, consist::name{"d"}, consist::config{step_config{0.5, 1, "cafe"}});
  REQUIRE(miss.run.explanation.has_value());
  CHECK(miss.run.explanation->nearest_run_id == first);
  CHECK(miss.run.explanation->changed_config_fields == std::vector<std::string>{"label"});
}

TEST_CASE("lineage to a depth expands an ancestor met deep in one branch again where it is nearer the root") {
  consist::tracker t(scratch_config("lineage-depth-shared"));
  // z -> a -> b -> c, and c also reads a itself, after b.
  auto rz = synthetic_run("lin_z", "lin", 500);
  auto ra = synthetic_run("lin_a", "lin", 1000);
  auto rb = synthetic_run("lin_b", "lin", 2000);
  auto rc = synthetic_run("lin_c", "lin", 3000);
  const auto z = synthetic_artifact("art-z", "z", "lin_z");
  const auto a = synthetic_artifact("art-a", "a", "lin_a");
  const auto b = synthetic_artifact("art-b", "b", "lin_b");
  const auto c = synthetic_artifact("art-c", "c", "lin_c");
  const auto in = consist::link_direction::input;
  ra.links = {{"lin_a", "art-z", "z", in}};
  rb.links = {{"lin_b", "art-a", "a", in}};
  rc.links = {{"lin_c", "art-b", "b", in}, {"lin_c", "art-a", "a", in}};
  std::vector<consist::run_commit> commits = {{rz, std::nullopt, {z}}, {ra, std::nullopt, {a}},
                                              {rb, std::nullopt, {b}}, {rc, std::nullopt, {c}}};
  t.store().commit_runs(commits);

  for (std::size_t depth : {2, 3}) {
    CAPTURE(depth);
    const auto root = consist::lineage(t.store(), "art-c", depth);
    REQUIRE(root.inputs.size() == 2);
    const auto& direct = root.inputs[1];  // a, read by c itself: one run nearer than under b
    CHECK(direct.item.id == "art-a");
    CHECK_FALSE(direct.repeated);
    REQUIRE(direct.producer.has_value());
    CHECK(direct.producer->id == "lin_a");
    REQUIRE(direct.inputs.size() == 1);
    CHECK(direct.inputs[0].truncated == (depth == 2));
    CHECK(consist::lineage_runs(root).size() == depth + 1);  // c, b, a; with 3 also z
  }
  CHECK(consist::lineage_runs(consist::lineage(t.store(), "art-c", 64)).size() == 4);
}
