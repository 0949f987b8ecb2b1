// Trace scopes: the body always runs, cached() and the hit record, re-logging
// cached outputs, demotion of a hit, failures that keep their outputs, the
// destructor, declared outputs and spans.
#include <consist.hpp>

#include <doctest/doctest.h>

#include "run_fixtures.hpp"

#include <boost/hana/define_struct.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace {

using run_fixtures::read_file;
using run_fixtures::scratch_config;
using run_fixtures::write_file;

struct assign_config {
  BOOST_HANA_DEFINE_STRUCT(assign_config, (int, iterations), (std::string, method));
};

const consist::config<assign_config> cfg{assign_config{10, "frank-wolfe"}};

bool has_link(const consist::run_record& r, consist::link_direction d, const std::string& key, const std::string& id) {
  for (const auto& l : r.links)
    if (l.direction == d && l.key == key && l.artifact_id == id) return true;
  return false;
}

/// A first trace that writes and logs "skims"; returns its record.
consist::run_record produce_skims(consist::tracker& t, const std::string& content = "skims-v1") {
  auto tr = t.trace("assign", cfg);
  REQUIRE_FALSE(tr.cached());
  write_file(tr.output_path("skims"), content);
  tr.log_output("skims", tr.output_path("skims"));
  return tr.finish();
}

}  // namespace

static_assert(!std::is_copy_constructible_v<consist::trace_scope>);
static_assert(std::is_nothrow_move_constructible_v<consist::trace_scope>);

TEST_CASE("a trace's body runs on a hit; cached() and cache_source() name the reused run") {
  consist::tracker t(scratch_config("trace-hit"));
  const auto first = produce_skims(t);
  CHECK(first.status == consist::run_status::completed);
  CHECK_FALSE(first.cache_hit);

  int body = 0;
  consist::run_record second;
  std::string cached_skims, skims_location;
  {
    auto tr = t.trace("assign", cfg);
    ++body;  // runs whatever cached() says
    CHECK(tr.cached());
    CHECK(tr.cache_source() == first.id);
    REQUIRE(tr.cached_outputs().count("skims") == 1);
    cached_skims = tr.cached_outputs().at("skims").id;
    second = tr.finish();
    CHECK(tr.outputs().at("skims").id == cached_skims);
    skims_location = tr.outputs().at("skims").location;
  }
  CHECK(body == 1);
  CHECK(second.cache_hit);
  CHECK(second.cache_source == first.id);
  CHECK(second.id != first.id);
  CHECK(second.meta.at("cache_hit").as_bool());
  t.flush();
  const auto stored = t.store().get_run(second.id);
  REQUIRE(stored.has_value());
  CHECK(stored->cache_hit);
  CHECK(stored->cache_source == first.id);
  CHECK(stored->links.empty());  // a hit references its source; the links are the source's
  CHECK(read_file(t.run_dir() / skims_location) == "skims-v1");
}

TEST_CASE("re-logging a cached key with the same file returns the cached artifact") {
  consist::tracker t(scratch_config("trace-relog"));
  const auto first = produce_skims(t);
  auto tr = t.trace("assign", cfg);
  REQUIRE(tr.cached());
  const auto& cached = tr.cached_outputs().at("skims");
  // The body redid its work into its own folder: same bytes, so the same artifact.
  write_file(tr.output_path("skims"), "skims-v1");
  const auto a = tr.log_output("skims", tr.output_path("skims"));
  CHECK(a.id == cached.id);
  CHECK(a.producing_run_id == first.id);
  CHECK(tr.cached());
  CHECK(tr.finish().cache_hit);
}

TEST_CASE("demotion: a new output key, a changed output or an unknown input turns the hit into a miss") {
  consist::tracker t(scratch_config("trace-demote"));
  const auto first = produce_skims(t);

  SUBCASE("a key the cached run did not produce") {
    auto tr = t.trace("assign", cfg);
    REQUIRE(tr.cached());
    write_file(tr.output_path("skims"), "skims-v1");
    const auto relogged = tr.log_output("skims", tr.output_path("skims"));
    write_file(tr.output_path("report"), "extra");
    const auto report = tr.log_output("report", tr.output_path("report"));
    CHECK_FALSE(tr.cached());
    CHECK(tr.cache_source().empty());
    const auto rec = tr.finish();
    CHECK_FALSE(rec.cache_hit);
    CHECK(rec.status == consist::run_status::completed);
    CHECK(rec.meta.at("demoted_from").as_string() == first.id);
    CHECK(std::string(rec.meta.at("demotion").as_string()).find("'report'") != std::string::npos);
    REQUIRE(rec.explanation.has_value());
    CHECK(rec.explanation->reason.find("demoted from a hit on run " + first.id) != std::string::npos);
    CHECK(report.producing_run_id == rec.id);
    CHECK(has_link(rec, consist::link_direction::output, "report", report.id));
    // "skims", logged while this was a hit, was the cached run's artifact; the
    // demoted run records the file it logged as an artifact of its own.
    CHECK(relogged.producing_run_id == first.id);
    CHECK_FALSE(has_link(rec, consist::link_direction::output, "skims", relogged.id));
    std::string own_skims;
    for (const auto& l : rec.links)
      if (l.direction == consist::link_direction::output && l.key == "skims") own_skims = l.artifact_id;
    REQUIRE_FALSE(own_skims.empty());
    const auto skims = t.store().get_artifact(own_skims);
    REQUIRE(skims.has_value());
    CHECK(skims->producing_run_id == rec.id);
    CHECK(skims->location.find(rec.id) != std::string::npos);  // the file in this run's own output folder
    CHECK(skims->fingerprint == relogged.fingerprint);  // the same bytes, in this run's own file
    const auto stored = t.store().get_run(rec.id);  // a miss is durable at once
    REQUIRE(stored.has_value());
    CHECK(stored->status == consist::run_status::completed);
    // The demoted run is now the newest candidate: the next identical trace reuses it.
    auto next = t.trace("assign", cfg);
    CHECK(next.cache_source() == rec.id);
    CHECK(next.cached_outputs().count("report") == 1);
  }
  SUBCASE("a cached key with different content") {
    auto tr = t.trace("assign", cfg);
    REQUIRE(tr.cached());
    write_file(tr.output_path("skims"), "skims-v2");
    const auto a = tr.log_output("skims", tr.output_path("skims"));
    CHECK_FALSE(tr.cached());
    CHECK(a.producing_run_id == tr.id());
    CHECK(std::string(tr.finish().meta.at("demotion").as_string()).find("differs") != std::string::npos);
  }
  SUBCASE("an input the cached run did not read") {
    const auto extra = t.run_dir() / "extra.csv";
    write_file(extra, "1,2");
    auto tr = t.trace("assign", cfg);
    REQUIRE(tr.cached());
    tr.log_input("extra", extra);
    CHECK_FALSE(tr.cached());
    const auto rec = tr.finish();
    CHECK(std::string(rec.meta.at("demotion").as_string()).find("input 'extra'") != std::string::npos);
    bool linked = false;
    for (const auto& l : rec.links) linked = linked || (l.direction == consist::link_direction::input && l.key == "extra");
    CHECK(linked);
    // With the same file logged again, the trace that read it is reused.
    auto again = t.trace("assign", cfg);
    REQUIRE(again.cached());
    again.log_input("extra", extra);
    CHECK(again.cached());
  }
}

TEST_CASE("a trace that logs an input file hits in a store rebuilt from the snapshots (a new namespace)") {
  auto config = scratch_config("trace-rebuilt");
  const auto observed = config.run_dir / "observed.csv";
  write_file(observed, "1,2,3");
  auto calibrate = [&](consist::tracker& t) {
    auto tr = t.trace("calibrate", cfg);
    const bool cached = tr.cached();
    tr.log_input("obs", observed);
    const bool still = tr.cached();
    tr.finish();
    return std::pair{cached, still};
  };
  {
    consist::tracker t(config);
    CHECK(calibrate(t) == std::pair{false, false});
    CHECK(calibrate(t) == std::pair{true, true});
  }
  config.store = config.run_dir / "rebuilt";
  consist::tracker t(config);
  REQUIRE(consist::rebuild_store_from_snapshots(t.store(), t.run_dir()) >= 1);
  // The input file's artifact id is another there (drawn in the new store's
  // namespace); the same file at the same place is still the cached input.
  CHECK(calibrate(t) == std::pair{true, true});
  // Another file under that key is not.
  write_file(observed, "1,2,4");
  CHECK(calibrate(t) == std::pair{true, false});
}

TEST_CASE("log_input of a plain file's artifact checks the file: one changed since is refused, not the cached input") {
  consist::tracker t(scratch_config("trace-file-artifact"));
  const auto observed = t.run_dir() / "observed.csv";
  write_file(observed, "1,2,3");
  consist::artifact obs;
  {
    auto tr = t.trace("load");
    obs = tr.log_input("obs", observed);
  }
  auto calibrate = [&] {
    auto tr = t.trace("calibrate", cfg);
    tr.log_input("obs", obs);
    const bool cached = tr.cached();
    tr.finish();
    return cached;
  };
  CHECK_FALSE(calibrate());
  CHECK(calibrate());
  write_file(observed, "1,2,4");
  auto tr = t.trace("calibrate", cfg);
  CHECK_THROWS_AS(tr.log_input("obs", obs), consist::identity_error);
  // The key is still free for the file as it is now, which the cached run did not read.
  tr.log_input("obs", observed);
  CHECK_FALSE(tr.cached());
  CHECK_FALSE(tr.finish().cache_hit);
}

TEST_CASE("a trace left by an exception is failed and keeps the outputs it logged") {
  consist::tracker t(scratch_config("trace-fail"));
  std::string id, partial_id;
  std::filesystem::path partial_path;
  try {
    auto tr = t.trace("solve", cfg);
    id = tr.id();
    partial_path = tr.output_path("partial.csv");
    write_file(partial_path, "iteration 1");
    partial_id = tr.log_output("partial.csv", partial_path).id;
    throw std::runtime_error("solver diverged");
  } catch (const std::runtime_error&) {
  }
  const auto stored = t.store().get_run(id);
  REQUIRE(stored.has_value());
  CHECK(stored->status == consist::run_status::failed);
  CHECK(stored->error.find("exception left the scope of trace 'solve'") != std::string::npos);
  CHECK(has_link(*stored, consist::link_direction::output, "partial.csv", partial_id));
  const auto a = t.store().get_artifact(partial_id);
  REQUIRE(a.has_value());
  CHECK(a->producing_run_id == id);
  CHECK(std::filesystem::exists(partial_path));
  CHECK(std::filesystem::exists(t.run_dir() / "runs" / (id + ".json")));

  // A failed run is never reused.
  auto next = t.trace("solve", cfg);
  CHECK_FALSE(next.cached());
}

TEST_CASE("fail(exception) records the exception's text; a failing cached trace gets a failed record of its own") {
  consist::tracker t(scratch_config("trace-fail-explicit"));
  const auto first = produce_skims(t);
  auto tr = t.trace("assign", cfg);
  REQUIRE(tr.cached());
  try {
    throw std::runtime_error("disk quota exceeded");
  } catch (...) {
    const auto rec = tr.fail(std::current_exception());
    CHECK(rec.status == consist::run_status::failed);
    CHECK(rec.error == "disk quota exceeded");
    CHECK_FALSE(rec.cache_hit);
    CHECK(rec.meta.at("demoted_from").as_string() == first.id);
  }
  CHECK(tr.finished());
  CHECK_THROWS_AS(tr.finish(), consist::usage_error);
  CHECK(t.store().get_run(tr.id())->status == consist::run_status::failed);
}

TEST_CASE("fail() given an empty exception_ptr is a usage_error and leaves the trace open") {
  consist::tracker t(scratch_config("trace-fail-empty"));
  auto tr = t.trace("calibrate", cfg);
  CHECK_THROWS_AS(tr.fail(std::current_exception()), consist::usage_error);  // outside any catch block: empty
  CHECK_THROWS_AS(tr.fail(nullptr), consist::usage_error);
  CHECK_FALSE(tr.finished());
  const auto rec = tr.fail(std::make_exception_ptr(std::runtime_error("no convergence")));
  CHECK(rec.status == consist::run_status::failed);
  CHECK(rec.error == "no convergence");
}

TEST_CASE("the destructor ends an unfinished trace as completed; consist::trace uses the active tracker") {
  consist::tracker t(scratch_config("trace-dtor"));
  std::string id;
  {
    auto tr = consist::trace("quiet", cfg);
    id = tr.id();
    auto moved = std::move(tr);
    CHECK_THROWS_AS((void)tr.cached(), consist::usage_error);  // a moved-from scope refuses use
    CHECK(moved.id() == id);
  }
  const auto stored = t.store().get_run(id);
  REQUIRE(stored.has_value());
  CHECK(stored->status == consist::run_status::completed);
  CHECK(t.trace("quiet", cfg).cached());
}

TEST_CASE("declared outputs: written at output_path they are logged at the end; missing ones follow the policy") {
  consist::tracker t(scratch_config("trace-declared"));
  const auto net = t.run_dir() / "net.csv";
  write_file(net, "a,b");
  {
    auto tr = t.trace("build", consist::inputs{{"net", net}}, consist::outputs{"graph"});
    CHECK(tr.context().input_path("net") == std::filesystem::absolute(net));
    write_file(tr.output_path("graph"), "nodes");
    const auto rec = tr.finish();
    REQUIRE(tr.outputs().count("graph") == 1);
    CHECK(has_link(rec, consist::link_direction::output, "graph", tr.outputs().at("graph").id));
  }
  {
    // On a hit the declared outputs are the cached ones: the body may skip writing.
    auto tr = t.trace("build", consist::inputs{{"net", net}}, consist::outputs{"graph"});
    REQUIRE(tr.cached());
    tr.finish();
    CHECK(tr.outputs().count("graph") == 1);
  }
  auto tr = t.trace("strict", consist::outputs{"graph"},
                    consist::output_policy_options{.missing = consist::policy::error});
  CHECK_THROWS_AS(tr.finish(), consist::output_error);
  CHECK(tr.record().status == consist::run_status::failed);
  CHECK(t.store().get_run(tr.id())->status == consist::run_status::failed);
}

TEST_CASE("log_output and log_input refuse bad keys, missing files, repeated keys and use after the end") {
  consist::tracker t(scratch_config("trace-misuse"));
  auto tr = t.trace("misuse");
  const auto f = tr.output_path("ok.txt");
  write_file(f, "x");
  CHECK_THROWS_AS(tr.log_output("../x", f), consist::usage_error);
  CHECK_THROWS_AS(tr.log_output("a//b", f), consist::usage_error);
  CHECK_THROWS_AS(tr.log_output("", f), consist::usage_error);
  CHECK_THROWS_AS(tr.log_input("../x", f), consist::usage_error);
  CHECK_THROWS_AS(tr.log_output("gone", tr.output_path("gone")), consist::output_error);
  CHECK_THROWS_AS(tr.log_input("gone", t.run_dir() / "no-such-file"), consist::identity_error);
  tr.log_output("ok.txt", f);
  CHECK_THROWS_AS(tr.log_output("ok.txt", f), consist::usage_error);
  tr.finish();
  CHECK_THROWS_AS(tr.log_output("late", f), consist::usage_error);
}

TEST_CASE("spans that close inside a trace are merged into its record") {
  consist::tracker t(scratch_config("trace-spans"));
  auto tr = t.trace("timed");
  for (int i = 0; i < 3; ++i) {
    CONSIST_SPAN("trace_inner_loop");
  }
  const auto rec = tr.finish();
  bool found = false;
  for (const auto& s : rec.span_stats)
    if (s.name == "trace_inner_loop") found = s.count == 3;
  CHECK(found);
}
