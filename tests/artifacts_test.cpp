// Artifacts through the run API: upstream changes (and upstream re-runs that
// wrote other bytes) invalidate downstream steps, content and fast
// fingerprints of inputs, input order, output
// policies, eager validation of cached outputs, and key validation.
#include <consist.hpp>

#include <doctest/doctest.h>

#include "run_fixtures.hpp"

#include <boost/hana/define_struct.hpp>

#include <sys/stat.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

using run_fixtures::read_file;
using run_fixtures::scratch_config;
using run_fixtures::write_file;

struct demand_config {
  BOOST_HANA_DEFINE_STRUCT(demand_config, (double, alpha));
};

// Upstream writes its alpha into "trips"; downstream copies trips into "skims".
void demand(const demand_config& c, consist::run_context& ctx) { write_file(ctx.output_path("trips"), std::to_string(c.alpha)); }

}  // namespace

TEST_CASE("a downstream step re-executes when an upstream config changes, and says which run changed") {
  consist::tracker t(scratch_config("upstream"));
  int assigned = 0;
  auto assign = [&](consist::run_context& ctx) {
    ++assigned;
    write_file(ctx.output_path("skims"), "skims of " + read_file(ctx.input_path("trips")));
  };
  auto up1 = t.run(demand, consist::name{"demand"}, consist::config{demand_config{1.0}}, consist::outputs{"trips"});
  auto down1 = t.run(assign, consist::name{"assign"}, consist::inputs{{"trips", up1.outputs.at("trips")}},
                     consist::outputs{"skims"});
  auto again = t.run(assign, consist::name{"assign"}, consist::inputs{{"trips", up1.outputs.at("trips")}},
                     consist::outputs{"skims"});
  CHECK(again.cache_hit);
  CHECK(assigned == 1);

  auto up2 = t.run(demand, consist::name{"demand"}, consist::config{demand_config{2.0}}, consist::outputs{"trips"});
  REQUIRE_FALSE(up2.cache_hit);
  auto down2 = t.run(assign, consist::name{"assign"}, consist::inputs{{"trips", up2.outputs.at("trips")}},
                     consist::outputs{"skims"});
  CHECK_FALSE(down2.cache_hit);
  CHECK(assigned == 2);
  REQUIRE(down2.run.explanation.has_value());
  const auto& e = *down2.run.explanation;
  CHECK(e.nearest_run_id == down1.run.id);
  CHECK(e.changed_components == std::vector<std::string>{"inputs"});
  CHECK(e.changed_inputs == std::vector<std::string>{"trips (from run " + up2.run.id + ")"});
  CHECK(read_file(t.run_dir() / down2.outputs.at("skims").location) == "skims of " + std::to_string(2.0));

  // The input link names the upstream artifact itself, not a copy.
  const auto links = t.store().links_of_run(down2.run.id);
  bool linked = false;
  for (const auto& l : links)
    linked = linked || (l.direction == consist::link_direction::input && l.artifact_id == up2.outputs.at("trips").id);
  CHECK(linked);
}

TEST_CASE("content mode: changing one byte of an input misses, even with the old size and mtime") {
  consist::tracker t(scratch_config("content"));
  const auto net = t.run_dir() / "network.csv";
  write_file(net, "a,b,c\n1,2,3\n");
  const auto mtime = std::filesystem::last_write_time(net);
  int calls = 0;
  auto step = [&] { ++calls; };
  const consist::inputs in{{"network", net}};
  t.run(step, consist::name{"load"}, in);
  CHECK(t.run(step, consist::name{"load"}, in).cache_hit);
  write_file(net, "a,b,c\n1,2,4\n");
  std::filesystem::last_write_time(net, mtime);
  auto r = t.run(step, consist::name{"load"}, in);
  CHECK_FALSE(r.cache_hit);
  CHECK(calls == 2);
  REQUIRE(r.run.explanation.has_value());
  CHECK(r.run.explanation->changed_inputs == std::vector<std::string>{"network"});
}

TEST_CASE("fast mode: the same size and mtime hit, a touched mtime misses") {
  consist::tracker t(scratch_config("fast", consist::hashing_mode::fast));
  const auto net = t.run_dir() / "network.csv";
  write_file(net, "a,b,c\n1,2,3\n");
  const auto mtime = std::filesystem::last_write_time(net);
  int calls = 0;
  auto step = [&] { ++calls; };
  const consist::inputs in{{"network", net}};
  t.run(step, consist::name{"load"}, in);
  // Same size and mtime: fast mode does not read the bytes, so this is a hit.
  write_file(net, "x,y,z\n9,9,9\n");
  std::filesystem::last_write_time(net, mtime);
  CHECK(t.run(step, consist::name{"load"}, in).cache_hit);
  CHECK(calls == 1);
  std::filesystem::last_write_time(net, mtime + std::chrono::seconds(1));
  auto r = t.run(step, consist::name{"load"}, in);
  CHECK_FALSE(r.cache_hit);
  CHECK(calls == 2);
  CHECK(r.run.explanation->changed_inputs == std::vector<std::string>{"network"});
}

TEST_CASE("fast mode: another file of the same size and mtime misses (a copy with cp -p, tar, rsync)") {
  consist::tracker t(scratch_config("fast_copy", consist::hashing_mode::fast));
  const auto y2020 = t.run_dir() / "year2020.csv", y2030 = t.run_dir() / "year2030.csv";
  write_file(y2020, "AAAA");
  write_file(y2030, "BBBB");
  std::filesystem::last_write_time(y2030, std::filesystem::last_write_time(y2020));
  REQUIRE(consist::fingerprint_path(y2020, consist::hashing_mode::fast).size ==
          consist::fingerprint_path(y2030, consist::hashing_mode::fast).size);
  auto step = [](consist::run_context& ctx) { return read_file(ctx.input_path("demand")); };
  CHECK(t.run(step, consist::name{"load"}, consist::inputs{{"demand", y2020}}).value == "AAAA");
  auto r = t.run(step, consist::name{"load"}, consist::inputs{{"demand", y2030}});
  CHECK_FALSE(r.cache_hit);
  CHECK(r.value == "BBBB");
  CHECK(t.run(step, consist::name{"load"}, consist::inputs{{"demand", y2030}}).cache_hit);
}

TEST_CASE("an upstream step re-executed with overwrite: downstream misses when its output changed, hits if not") {
  consist::tracker t(scratch_config("overwrite_chain"));
  std::string produced = "gen0";
  auto upstream = [&](consist::run_context& ctx) { write_file(ctx.output_path("out"), produced); };
  auto downstream = [](consist::run_context& ctx) { return read_file(ctx.input_path("in")); };
  auto up = [&](consist::cache_mode mode) {
    return t.run(upstream, consist::name{"up"}, consist::outputs{"out"}, consist::cache_options{.mode = mode});
  };
  auto down = [&](const consist::artifact& a) { return t.run(downstream, consist::name{"down"}, consist::inputs{{"in", a}}); };

  const auto first = up(consist::cache_mode::reuse);
  CHECK(down(first.outputs.at("out")).value == "gen0");
  // The same signature, other bytes: the downstream run is another run.
  produced = "gen1";
  const auto again = up(consist::cache_mode::overwrite);
  REQUIRE_FALSE(again.cache_hit);
  REQUIRE(again.run.signature == first.run.signature);
  const auto d1 = down(again.outputs.at("out"));
  CHECK_FALSE(d1.cache_hit);
  CHECK(d1.value == "gen1");
  REQUIRE(d1.run.explanation.has_value());
  CHECK(d1.run.explanation->changed_components == std::vector<std::string>{"inputs"});
  // Re-executed and wrote the same bytes: the content fingerprint is the same, so downstream hits.
  const auto same = up(consist::cache_mode::overwrite);
  REQUIRE_FALSE(same.cache_hit);
  const auto d2 = down(same.outputs.at("out"));
  CHECK(d2.cache_hit);
  CHECK(d2.value == "gen1");
  // And a reuse of the upstream step now gives the overwrite's artifact, so downstream hits too.
  CHECK(down(up(consist::cache_mode::reuse).outputs.at("out")).cache_hit);
}

TEST_CASE("an input artifact of a plain file is checked against the file: one changed since is refused") {
  consist::tracker t(scratch_config("file_artifact"));
  const auto path = t.run_dir() / "params.csv";
  write_file(path, "alpha=1");
  consist::artifact params;
  {
    auto tr = t.trace("load_params");
    params = tr.log_input("params", path);
  }
  int calls = 0;
  auto step = [&](consist::run_context& ctx) {
    ++calls;
    return read_file(ctx.input_path("params"));
  };
  CHECK(t.run(step, consist::name{"calibrate"}, consist::inputs{{"params", params}}).value == "alpha=1");
  CHECK(t.run(step, consist::name{"calibrate"}, consist::inputs{{"params", params}}).cache_hit);

  // Written again (a calibration loop updating its parameters): the artifact names the old bytes, the step
  // would read the new ones. A hit would return the value of alpha=1; a miss would record alpha=2's value
  // under alpha=1's identity, for every later run given the file at alpha=1 to hit.
  write_file(path, "alpha=2");
  const consist::inputs stale{{"params", params}};
  CHECK_THROWS_AS(t.run(step, consist::name{"calibrate"}, stale), consist::identity_error);
  CHECK_THROWS_AS(t.run(step, consist::name{"other"}, stale), consist::identity_error);
  CHECK(calls == 1);
  auto by_path = t.run(step, consist::name{"calibrate"}, consist::inputs{{"params", path}});
  CHECK_FALSE(by_path.cache_hit);
  CHECK(by_path.value == "alpha=2");
}

TEST_CASE("input order does not matter") {
  consist::tracker t(scratch_config("order"));
  const auto a = t.run_dir() / "a.txt";
  const auto b = t.run_dir() / "b.txt";
  write_file(a, "first");
  write_file(b, "second");
  int calls = 0;
  auto step = [&] { ++calls; };
  auto r1 = t.run(step, consist::name{"merge"}, consist::inputs{{"a", a}, {"b", b}});
  auto r2 = t.run(step, consist::name{"merge"}, consist::inputs{{"b", b}, {"a", a}});
  CHECK(r2.cache_hit);
  CHECK(r1.run.signature == r2.run.signature);
  CHECK(calls == 1);
  // Swapping which file is under which key is a different identity.
  auto r3 = t.run(step, consist::name{"merge"}, consist::inputs{{"a", b}, {"b", a}});
  CHECK_FALSE(r3.cache_hit);
}

TEST_CASE("output policy for a missing declared output: error, warn, ignore") {
  consist::tracker t(scratch_config("policy"));
  auto writes_nothing = [] {};
  const consist::outputs declared{"result.csv"};

  SUBCASE("error fails the run with an output_error") {
    CHECK_THROWS_AS(t.run(writes_nothing, consist::name{"p_error"}, declared,
                          consist::output_policy_options{.missing = consist::policy::error}),
                    consist::output_error);
    consist::run_query q;
    q.model = "p_error";
    const auto runs = t.store().find_runs(q);
    REQUIRE(runs.size() == 1);
    CHECK(runs[0].status == consist::run_status::failed);
    CHECK(runs[0].error.find("result.csv") != std::string::npos);
  }
  SUBCASE("warn completes and records the warning in meta") {
    auto r = t.run(writes_nothing, consist::name{"p_warn"}, declared,
                   consist::output_policy_options{.missing = consist::policy::warn});
    CHECK(r.run.status == consist::run_status::completed);
    REQUIRE(r.run.meta.contains("output_warnings"));
    const auto& w = r.run.meta.at("output_warnings").as_array();
    REQUIRE(w.size() == 1);
    CHECK(std::string(w[0].as_string()).find("result.csv") != std::string::npos);
    CHECK(r.outputs.empty());
  }
  SUBCASE("ignore completes silently") {
    auto r = t.run(writes_nothing, consist::name{"p_ignore"}, declared,
                   consist::output_policy_options{.missing = consist::policy::ignore});
    CHECK(r.run.status == consist::run_status::completed);
    CHECK_FALSE(r.run.meta.contains("output_warnings"));
  }
  SUBCASE("an undeclared file follows the mismatch policy") {
    auto extra = [](consist::run_context& ctx) {
      write_file(ctx.output_path("result.csv"), "ok");
      write_file(ctx.output_path("debug.log"), "noise");
    };
    CHECK_THROWS_AS(t.run(extra, consist::name{"p_mismatch"}, declared,
                          consist::output_policy_options{.mismatch = consist::policy::error}),
                    consist::output_error);
    auto r = t.run(extra, consist::name{"p_mismatch_warn"}, declared);
    CHECK(r.outputs.size() == 2);  // warned, and recorded under its relative path
    CHECK(r.run.meta.contains("output_warnings"));
  }
}

TEST_CASE("an undeclared fifo or dangling link in the output folder follows the mismatch policy, unrecorded") {
  consist::tracker t(scratch_config("undeclared_special"));
  // A simulator that leaves a control fifo and a dangling lock link in its working folder.
  auto sim = [](consist::run_context& ctx) {
    write_file(ctx.output_path("result.csv"), "ok");
    REQUIRE(::mkfifo((ctx.output_dir() / "control").c_str(), 0600) == 0);
    std::filesystem::create_symlink("scratch.tmp", ctx.output_dir() / "lock");
    return 42;
  };
  const consist::outputs out{"result.csv"};
  auto warned = t.run(sim, consist::name{"sim_warn"}, out);
  CHECK(warned.value == 42);
  CHECK(warned.outputs.size() == 1);
  REQUIRE(warned.run.meta.contains("output_warnings"));
  CHECK(warned.run.meta.at("output_warnings").as_array().size() == 2);
  auto ignored =
      t.run(sim, consist::name{"sim_ignore"}, out, consist::output_policy_options{.mismatch = consist::policy::ignore});
  CHECK(ignored.run.status == consist::run_status::completed);
  CHECK(ignored.outputs.size() == 1);
  CHECK(t.run(sim, consist::name{"sim_ignore"}, out).cache_hit);
  CHECK_THROWS_AS(
      t.run(sim, consist::name{"sim_error"}, out, consist::output_policy_options{.mismatch = consist::policy::error}),
      consist::output_error);
}

TEST_CASE("a run that requires a declared output misses a cached run without it") {
  consist::tracker t(scratch_config("required_output"));
  int calls = 0;
  // Writes what it is asked to (as a step that passes its declared outputs to an external program would).
  auto step = [&](consist::run_context& ctx) {
    ++calls;
    for (const auto& key : ctx.declared_outputs()) write_file(ctx.output_path(key), key);
  };
  const consist::output_policy_options strict{.missing = consist::policy::error};
  auto first = t.run(step, consist::name{"sim"}, consist::outputs{"a.csv"}, strict);
  auto both = t.run(step, consist::name{"sim"}, consist::outputs{"a.csv", "b.csv"}, strict);
  CHECK_FALSE(both.cache_hit);
  CHECK(calls == 2);
  CHECK(both.outputs.count("b.csv") == 1);
  REQUIRE(both.run.explanation.has_value());
  CHECK(both.run.explanation->reason.find("no output 'b.csv'") != std::string::npos);
  // The new run has both: it is reused, by runs that declare either.
  CHECK(t.run(step, consist::name{"sim"}, consist::outputs{"a.csv", "b.csv"}, strict).cache_hit);
  CHECK(t.run(step, consist::name{"sim"}, consist::outputs{"a.csv"}, strict).cache_hit);
  CHECK(calls == 2);
  // A missing output that is only a warning does not turn the hit into a miss.
  auto c = t.run(step, consist::name{"sim"}, consist::outputs{"a.csv", "b.csv", "c.csv"});
  CHECK(c.cache_hit);
  CHECK(calls == 2);
}

TEST_CASE("eager validation re-executes when a cached output was deleted or changed; lazy does not") {
  consist::tracker t(scratch_config("eager"));
  int calls = 0;
  auto step = [&](consist::run_context& ctx) {
    ++calls;
    write_file(ctx.output_path("out.txt"), "result");
  };
  const consist::outputs out{"out.txt"};
  auto first = t.run(step, consist::name{"produce"}, out);
  std::filesystem::remove(t.run_dir() / first.outputs.at("out.txt").location);

  auto lazy = t.run(step, consist::name{"produce"}, out);
  CHECK(lazy.cache_hit);
  CHECK(calls == 1);

  const consist::cache_options eager{.validate = consist::cache_validation::eager};
  auto rerun = t.run(step, consist::name{"produce"}, out, eager);
  CHECK_FALSE(rerun.cache_hit);
  CHECK(calls == 2);
  REQUIRE(rerun.run.explanation.has_value());
  CHECK(rerun.run.explanation->reason.find("is missing") != std::string::npos);
  CHECK(rerun.run.explanation->reason.find("eager validation") != std::string::npos);

  // Intact outputs hit under eager validation too.
  CHECK(t.run(step, consist::name{"produce"}, out, eager).cache_hit);
  CHECK(calls == 2);

  // A changed output file is stale as well.
  write_file(t.run_dir() / rerun.outputs.at("out.txt").location, "edited by hand");
  auto changed = t.run(step, consist::name{"produce"}, out, eager);
  CHECK_FALSE(changed.cache_hit);
  CHECK(changed.run.explanation->reason.find("changed since run") != std::string::npos);
}

TEST_CASE("a run whose output folder already holds files (a readonly run's, or a recorded run's) is refused") {
  consist::tracker t(scratch_config("taken_folder"));
  int calls = 0;
  auto step = [&](const int& c, consist::run_context& ctx) {
    ++calls;
    if (c != 0) write_file(ctx.output_path("out.csv"), "value " + std::to_string(c));
    return c;
  };
  const consist::outputs out{"out.csv"};
  const consist::cache_options readonly{.mode = consist::cache_mode::readonly};

  SUBCASE("a readonly run given a recorded run's id would overwrite that run's outputs") {
    auto recorded = t.run(step, consist::name{"step"}, consist::run_id{"step_2030"}, consist::config{1}, out);
    const auto file = t.run_dir() / recorded.outputs.at("out.csv").location;
    CHECK_THROWS_AS(t.run(step, consist::name{"step"}, consist::run_id{"step_2030"}, consist::config{2}, out, readonly),
                    consist::usage_error);
    CHECK(calls == 1);
    CHECK(read_file(file) == "value 1");
    auto hit = t.run(step, consist::name{"step"}, consist::config{1}, out);
    CHECK(hit.cache_hit);
    CHECK(read_file(t.run_dir() / hit.outputs.at("out.csv").location) == "value 1");
  }
  SUBCASE("a readonly run's files are not taken for the outputs of a later run with its id") {
    t.run(step, consist::name{"step"}, consist::run_id{"step_fixed"}, consist::config{1}, out, readonly);
    try {
      t.run(step, consist::name{"step"}, consist::run_id{"step_fixed"}, consist::config{0}, out);
      FAIL("the run took the readonly run's folder");
    } catch (const consist::usage_error& e) {
      CHECK(std::string(e.what()).find("already holds files") != std::string::npos);
    }
    CHECK(calls == 1);
    CHECK_FALSE(t.store().get_run("step_fixed").has_value());
  }
  SUBCASE("a drawn id whose folder holds files is drawn again") {
    auto first = t.run(step, consist::name{"step"}, consist::config{1}, out);
    // A thread draws its ids in sequence: the next one is the first's suffix plus one. Its folder holds a file
    // (as a run of another store sharing the run folder would leave).
    const std::uint32_t suffix = static_cast<std::uint32_t>(std::stoul(first.run.id.substr(5), nullptr, 16)) + 1;
    char hex[9];
    std::snprintf(hex, sizeof hex, "%08x", suffix);
    const auto taken = t.run_dir() / "outputs" / "step" / ("step_" + std::string(hex));
    write_file(taken / "out.csv", "not this run's");
    auto again = t.run(step, consist::name{"step"}, consist::config{3}, out);
    CHECK(again.run.id != "step_" + std::string(hex));
    CHECK(read_file(t.run_dir() / again.outputs.at("out.csv").location) == "value 3");
    CHECK(read_file(taken / "out.csv") == "not this run's");
  }
}

TEST_CASE("keys are validated: '../x', 'a//b' and empty are refused before anything runs") {
  consist::tracker t(scratch_config("keys"));
  const auto f = t.run_dir() / "in.txt";
  write_file(f, "x");
  bool called = false;
  auto step = [&] { called = true; };
  for (const std::string bad : {"../x", "a//b", "", "/abs", ".hidden", "a/../b"}) {
    CAPTURE(bad);
    CHECK_FALSE(consist::detail::is_valid_key(bad));
    CHECK_THROWS_AS(t.run(step, consist::name{"k"}, consist::outputs{bad}), consist::usage_error);
    CHECK_THROWS_AS(t.run(step, consist::name{"k"}, consist::inputs{{bad, f}}), consist::usage_error);
  }
  CHECK_FALSE(called);
  for (const std::string good : {"skims", "zones/2030.csv", "a:b", "x_1-2.y", "_private"}) {
    CAPTURE(good);
    CHECK(consist::detail::is_valid_key(good));
  }
  CHECK_FALSE(consist::detail::is_valid_key(std::string(257, 'a')));
  auto ctx_step = [](consist::run_context& ctx) { CHECK_THROWS_AS(ctx.output_path("../escape"), consist::usage_error); };
  t.run(ctx_step, consist::name{"ctx"});
}

TEST_CASE("output keys naming one path twice, or one inside another, are refused before anything runs") {
  consist::tracker t(scratch_config("overlapping-keys"));
  for (const std::string bad : {"a/./b", "a/.", "a/b/", "a/"}) {
    CAPTURE(bad);
    CHECK_FALSE(consist::detail::is_valid_key(bad));
  }
  const consist::output_policy_options strict{.missing = consist::policy::error, .mismatch = consist::policy::error};
  bool called = false;
  auto step = [&](consist::run_context& ctx) {
    called = true;
    write_file(ctx.output_path("summary/detail.csv"), "d");
  };
  const auto refused = [&](auto&& attempt, const std::string& first, const std::string& second) {
    try {
      attempt();
      FAIL("accepted the outputs '" << first << "' and '" << second << "'");
    } catch (const consist::usage_error& e) {
      CHECK(std::string(e.what()).find("'" + first + "'") != std::string::npos);
      CHECK(std::string(e.what()).find("'" + second + "'") != std::string::npos);
    }
  };
  refused([&] { t.run(step, consist::name{"k1"}, consist::outputs{"summary", "summary/detail.csv"}, strict); },
          "summary", "summary/detail.csv");
  refused([&] { t.run(step, consist::name{"k1"}, consist::outputs{"summary/detail.csv", "summary"}, strict); },
          "summary", "summary/detail.csv");
  CHECK_THROWS_AS(t.run(step, consist::name{"k2"}, consist::outputs{"a/b", "a/./b"}, strict), consist::usage_error);
  refused([&] { auto tr = t.trace("k3", consist::outputs{"x/y", "x"}); }, "x", "x/y");
  {
    auto sc = t.scenario("k4");
    refused([&] { sc.run(step, consist::name{"k5"}, consist::outputs{"summary", "summary/detail.csv"}); }, "summary",
            "summary/detail.csv");
    sc.finish();
  }
  CHECK_FALSE(called);
  for (const char* model : {"k1", "k2", "k3", "k5"}) {
    CAPTURE(model);
    consist::run_query q;
    q.model = model;
    CHECK(t.store().find_runs(q).empty());
  }

  // Keys that share a prefix of characters, not of path components, stay allowed.
  const auto ok = t.run([](consist::run_context& ctx) {
    write_file(ctx.output_path("summary"), "s");
    write_file(ctx.output_path("summary.csv"), "c");
  }, consist::name{"k6"}, consist::outputs{"summary", "summary.csv"}, strict);
  CHECK(ok.outputs.size() == 2);
}

TEST_CASE("artifacts record a location relative to the run folder, a driver and the producing run") {
  consist::tracker t(scratch_config("artifact-fields"));
  auto step = [](consist::run_context& ctx) {
    write_file(ctx.output_path("table.csv"), "a,b\n");
    write_file(ctx.output_path("tiles/one.bin"), "1");
    write_file(ctx.output_path("tiles/two.bin"), "2");
  };
  auto r = t.run(step, consist::name{"art"}, consist::outputs{"table.csv", "tiles"});
  const auto& csv = r.outputs.at("table.csv");
  CHECK(csv.driver == "csv");
  CHECK(csv.fingerprint_strategy == "content");
  CHECK(std::filesystem::path(csv.location).is_relative());
  CHECK(csv.producing_run_id == r.run.id);
  CHECK(csv.producing_signature == r.run.signature);
  const auto& tiles = r.outputs.at("tiles");
  CHECK(tiles.is_directory);
  CHECK(tiles.driver == "directory");
  const auto stored = t.store().get_artifact(csv.id);
  REQUIRE(stored.has_value());
  CHECK(*stored == csv);
  const auto users = t.store().links_of_artifact(csv.id);
  REQUIRE(users.size() == 1);
  CHECK(users[0].run_id == r.run.id);
  CHECK(users[0].direction == consist::link_direction::output);
}
