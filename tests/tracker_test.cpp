// The run API end to end: caching, identity rules, cache modes, failures,
// processes and threads sharing one store.
#include <consist.hpp>

#include <doctest/doctest.h>
#include <scratch.hpp>

#include <consist/store/layout.hpp>

#include <boost/hana/define_struct.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <thread>
#include <vector>

namespace {

struct demand_config {
  BOOST_HANA_DEFINE_STRUCT(demand_config, (double, alpha), (int, zones), (std::string, label));
};

struct trip_totals {
  BOOST_HANA_DEFINE_STRUCT(trip_totals, (double, total), (std::vector<double>, per_zone));
};

consist::tracker_config scratch_config(const std::string& name) {
  const auto dir = consist_test::scratch_dir(name);
  return consist::tracker_config{.store = dir / "store", .run_dir = dir, .code_version = "test-code-1"};
}

trip_totals compute(const demand_config& c) {
  trip_totals t{0.0, {}};
  for (int z = 0; z < c.zones; ++z) {
    t.per_zone.push_back(c.alpha * (z + 1));
    t.total += t.per_zone.back();
  }
  return t;
}

std::string read_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string command_output(const std::string& cmd) {
  std::string out;
  FILE* f = ::popen(cmd.c_str(), "r");
  if (f == nullptr) return out;
  char buf[512];
  while (std::fgets(buf, sizeof buf, f) != nullptr) out += buf;
  ::pclose(f);
  return out;
}

bool tool_exists(const std::string& path) { return std::filesystem::exists(path); }

// ThreadSanitizer ends a child of a multi-threaded fork() that starts a thread
// (as a tracker's writer does), so the fork test runs in the other builds only.
#if defined(__SANITIZE_THREAD__)
constexpr bool under_thread_sanitizer = true;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
constexpr bool under_thread_sanitizer = true;
#else
constexpr bool under_thread_sanitizer = false;
#endif
#else
constexpr bool under_thread_sanitizer = false;
#endif

/// A return value whose store form refuses negative values.
struct fragile {
  int v = 0;
};
void consist_encode(consist::byte_sink auto& sink, const fragile& f) { consist::encode(sink, f.v); }
constexpr std::string_view consist_schema(consist::type_t<fragile>) { return "test::fragile/1"; }
void consist_serialize(consist::byte_sink auto& sink, const fragile& f) {
  if (f.v < 0) throw std::runtime_error("fragile: a negative value cannot be stored");
  consist::serialize_into(sink, f.v);
}
fragile consist_deserialize(consist::type_t<fragile>, consist::byte_reader& r) {
  return fragile{consist::deserialize_from<int>(r)};
}

/// What `f` printed to stderr.
template <class F>
std::string stderr_of(F&& f) {
  const auto file = consist_test::scratch_dir("stderr") / "err.txt";
  std::fflush(stderr);
  const int saved = ::dup(2);
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  REQUIRE(saved >= 0);
  REQUIRE(fd >= 0);
  ::dup2(fd, 2);
  ::close(fd);
  f();
  std::fflush(stderr);
  ::dup2(saved, 2);
  ::close(saved);
  return read_bytes(file);
}

}  // namespace

TEST_CASE("an identical second run hits, does not call fn and restores the value") {
  consist::tracker t(scratch_config("hit"));
  const demand_config cfg{0.5, 4, "base"};
  int calls = 0;
  auto step = [&](const demand_config& c) {
    ++calls;
    return compute(c);
  };
  auto first = t.run(step, consist::name{"demand"}, consist::config{cfg});
  CHECK_FALSE(first.cache_hit);
  CHECK(first.run.status == consist::run_status::completed);
  auto second = t.run(step, consist::name{"demand"}, consist::config{cfg});
  CHECK(second.cache_hit);
  CHECK(calls == 1);
  CHECK(second.value.total == doctest::Approx(first.value.total));
  CHECK(second.value.per_zone == first.value.per_zone);
  CHECK(second.run.cache_source == first.run.id);
  CHECK(second.run.meta.at("cache_hit").as_bool());
  CHECK(second.run.signature == first.run.signature);
  CHECK(second.run.id != first.run.id);
  t.flush();
  const auto stored = t.store().get_run(second.run.id);
  REQUIRE(stored.has_value());
  CHECK(stored->cache_hit);
  CHECK(stored->cache_source == first.run.id);
}

TEST_CASE("a miss is durable and explained; a changed config field is named") {
  consist::tracker t(scratch_config("explain"));
  auto step = [](const demand_config& c) { return compute(c); };
  auto first = t.run(step, consist::name{"demand"}, consist::config{demand_config{0.5, 4, "base"}});
  REQUIRE(first.run.explanation.has_value());
  CHECK(first.run.explanation->nearest_run_id.empty());
  const auto stored = t.store().get_run(first.run.id);
  REQUIRE(stored.has_value());
  CHECK(stored->status == consist::run_status::completed);
  CHECK(std::filesystem::exists(t.run_dir() / "runs" / (first.run.id + ".json")));

  auto second = t.run(step, consist::name{"demand"}, consist::config{demand_config{0.7, 4, "base"}});
  CHECK_FALSE(second.cache_hit);
  REQUIRE(second.run.explanation.has_value());
  const auto& e = *second.run.explanation;
  CHECK(e.nearest_run_id == first.run.id);
  CHECK(e.changed_components == std::vector<std::string>{"config"});
  CHECK(e.changed_config_fields == std::vector<std::string>{"alpha"});
}

TEST_CASE("a miss after cache hits is explained against the run the hits reused, field by field") {
  consist::tracker t(scratch_config("explain_after_hits"));
  auto step = [](const demand_config& c) { return compute(c); };
  const auto first = t.run(step, consist::name{"demand"}, consist::config{demand_config{0.5, 4, "base"}});
  for (int i = 0; i < 2; ++i)
    REQUIRE(t.run(step, consist::name{"demand"}, consist::config{demand_config{0.5, 4, "base"}}).cache_hit);
  t.flush();  // the hit records are now the newest completed runs of the model

  const auto changed = t.run(step, consist::name{"demand"}, consist::config{demand_config{0.5, 4, "other"}});
  REQUIRE(changed.run.explanation.has_value());
  const auto& e = *changed.run.explanation;
  CHECK(e.nearest_run_id == first.run.id);
  CHECK(e.changed_components == std::vector<std::string>{"config"});
  CHECK(e.changed_config_fields == std::vector<std::string>{"label"});
}

TEST_CASE("a miss is explained against the earlier run with the fewest changed fields and inputs, not the newest") {
  consist::tracker t(scratch_config("explain_nearest"));
  auto step = [](const demand_config& c) { return compute(c); };
  const auto near = t.run(step, consist::name{"demand"}, consist::config{demand_config{0.5, 4, "base"}});
  REQUIRE_FALSE(t.run(step, consist::name{"demand"}, consist::config{demand_config{0.9, 8, "other"}}).cache_hit);
  const auto now = t.run(step, consist::name{"demand"}, consist::config{demand_config{0.5, 4, "next"}});
  REQUIRE(now.run.explanation.has_value());
  const auto& e = *now.run.explanation;
  CHECK(e.nearest_run_id == near.run.id);
  CHECK(e.changed_components == std::vector<std::string>{"config"});
  CHECK(e.changed_config_fields == std::vector<std::string>{"label"});

  // As many changed fields each: the newest wins.
  const auto tie = t.run(step, consist::name{"demand"}, consist::config{demand_config{0.5, 4, "tie"}});
  REQUIRE(tie.run.explanation.has_value());
  CHECK(tie.run.explanation->nearest_run_id == now.run.id);

  // Identity inputs count value by value too.
  auto values = [](int a, int b) {
    return consist::identity_inputs{consist::identity_value{"a", a}, consist::identity_value{"b", b}};
  };
  const auto one = t.run([] { return 1; }, consist::name{"scaled"}, values(1, 1));
  REQUIRE_FALSE(t.run([] { return 1; }, consist::name{"scaled"}, values(9, 9)).cache_hit);
  const auto two = t.run([] { return 1; }, consist::name{"scaled"}, values(1, 2));
  REQUIRE(two.run.explanation.has_value());
  CHECK(two.run.explanation->nearest_run_id == one.run.id);
}

TEST_CASE("year, iteration, cache_epoch and cache_version are identity") {
  consist::tracker t(scratch_config("identity"));
  int calls = 0;
  auto step = [&] { ++calls; };
  const consist::name n{"assign"};
  t.run(step, n, consist::year{2030});
  t.run(step, n, consist::year{2030});
  CHECK(calls == 1);
  auto r = t.run(step, n, consist::year{2035});
  CHECK(calls == 2);
  CHECK(r.run.explanation->changed_components == std::vector<std::string>{"year"});
  t.run(step, n, consist::year{2030}, consist::iteration{2});
  CHECK(calls == 3);
  t.run(step, n, consist::year{2030}, consist::cache_options{.epoch = 1});
  CHECK(calls == 4);
  t.run(step, n, consist::year{2030}, consist::cache_options{.version = "v2"});
  CHECK(calls == 5);
  t.run(step, n, consist::year{2030}, consist::cache_options{.version = "v2"});
  CHECK(calls == 5);
}

TEST_CASE("tags, stage, phase, meta, description and runtime arguments are not identity") {
  consist::tracker t(scratch_config("not-identity"));
  int calls = 0;
  auto step = [&](const demand_config& c, int threads) {
    ++calls;
    return c.zones * threads;
  };
  const consist::config cfg{demand_config{1.0, 3, "x"}};
  auto a = t.run(step, consist::name{"d"}, cfg, consist::execution_options{2});
  auto b = t.run(step, consist::name{"d"}, cfg, consist::execution_options{8}, consist::tags{"calibration"},
                 consist::stage{"s1"}, consist::phase{"p1"}, consist::meta{{"note", "rerun"}},
                 consist::description{"same step"});
  CHECK(calls == 1);
  CHECK(b.cache_hit);
  CHECK(b.value == a.value);  // restored, not recomputed with 8 threads
}

TEST_CASE("overwrite always executes and a later reuse hits the overwrite run") {
  consist::tracker t(scratch_config("overwrite"));
  int calls = 0;
  auto step = [&] { return ++calls; };
  t.run(step, consist::name{"w"});
  auto o1 = t.run(step, consist::name{"w"}, consist::cache_options{.mode = consist::cache_mode::overwrite});
  auto o2 = t.run(step, consist::name{"w"}, consist::cache_options{.mode = consist::cache_mode::overwrite});
  CHECK(calls == 3);
  CHECK_FALSE(o2.cache_hit);
  auto reuse = t.run(step, consist::name{"w"});
  CHECK(reuse.cache_hit);
  CHECK(reuse.value == 3);
  CHECK(reuse.run.cache_source == o2.run.id);
  CHECK(o1.run.id != o2.run.id);
}

TEST_CASE("readonly looks up and executes but leaves the store byte-for-byte unchanged") {
  auto cfg = scratch_config("readonly");
  consist::tracker t(cfg);
  int calls = 0;
  auto step = [&] { return ++calls; };
  t.run(step, consist::name{"r"});
  t.flush();
  const auto before = read_bytes(cfg.store / "data.mdb");
  const auto ro = consist::cache_options{.mode = consist::cache_mode::readonly};
  auto hit = t.run(step, consist::name{"r"}, ro);
  CHECK(hit.cache_hit);
  auto miss = t.run(step, consist::name{"other"}, ro);
  CHECK_FALSE(miss.cache_hit);
  CHECK(calls == 2);
  t.flush();
  CHECK(read_bytes(cfg.store / "data.mdb") == before);
  CHECK_FALSE(t.store().get_run(miss.run.id).has_value());
  CHECK_FALSE(std::filesystem::exists(t.run_dir() / "runs" / (miss.run.id + ".json")));
}

TEST_CASE("a readonly miss given a run_id that names a stored run is refused before fn overwrites its outputs") {
  consist::tracker t(scratch_config("readonly_given_id"));
  auto write = [](std::string text) {
    return [text](consist::run_context& ctx) {
      std::ofstream(ctx.output_path("out.txt")) << text;
      return 1;
    };
  };
  const auto first = t.run(write("kept"), consist::name{"calib"}, consist::run_id{"calib_run"},
                           consist::outputs{"out.txt"});
  REQUIRE_FALSE(first.cache_hit);
  const auto file = t.run_dir() / first.outputs.at("out.txt").location;
  REQUIRE(read_bytes(file) == "kept");
  // Another identity (a new epoch), so a miss, under the same id.
  const consist::cache_options ro{.mode = consist::cache_mode::readonly, .epoch = 1};
  CHECK_THROWS_WITH_AS(t.run(write("overwritten"), consist::name{"calib"}, consist::run_id{"calib_run"},
                             consist::outputs{"out.txt"}, ro),
                       doctest::Contains("already names another run"), consist::usage_error);
  CHECK(read_bytes(file) == "kept");
  const auto eager = t.run(write("again"), consist::name{"calib"}, consist::outputs{"out.txt"},
                           consist::cache_options{.validate = consist::cache_validation::eager});
  CHECK(eager.cache_hit);
  // An id no run holds is free in readonly, and stays free.
  const auto fresh = t.run(write("x"), consist::name{"calib"}, consist::run_id{"what_if"}, ro);
  CHECK_FALSE(fresh.cache_hit);
  CHECK(fresh.run.id == "what_if");
  t.flush();
  CHECK_FALSE(t.store().get_run("what_if").has_value());
}

TEST_CASE("a hit on a run that returned another type is an identity_error naming the shared identity") {
  consist::tracker t(scratch_config("other_type"));
  const auto first = t.run([] { return 7; }, consist::name{"solve"});
  REQUIRE_FALSE(first.cache_hit);
  CHECK_THROWS_WITH_AS(t.run([] { return 7.5; }, consist::name{"solve"}),
                       doctest::Contains("which returned a value of another type"), consist::identity_error);
  CHECK_THROWS_WITH_AS(t.run([] { return trip_totals{1.0, {}}; }, consist::name{"solve"}),
                       doctest::Contains("cache_options{.version = ...}"), consist::identity_error);
  t.run([] {}, consist::name{"none"});
  CHECK_THROWS_WITH_AS(t.run([] { return 1; }, consist::name{"none"}), doctest::Contains("which returned no value"),
                       consist::identity_error);
  CHECK(t.run([] { return 0; }, consist::name{"solve"}).value == 7);
}

TEST_CASE("a throwing fn records a failed run, is never a cache candidate, and the rerun executes") {
  consist::tracker t(scratch_config("failure"));
  int calls = 0;
  auto failing = [&]() -> int {
    ++calls;
    throw std::runtime_error("solver diverged");
  };
  CHECK_THROWS_WITH_AS(t.run(failing, consist::name{"solve"}), "solver diverged", std::runtime_error);
  consist::run_query q;
  q.model = "solve";
  q.status = consist::run_status::failed;
  const auto failed = t.store().find_runs(q);
  REQUIRE(failed.size() == 1);
  CHECK(failed[0].error == "solver diverged");
  CHECK(failed[0].ended_at.has_value());
  auto ok = t.run([&] { return ++calls; }, consist::name{"solve"});
  CHECK_FALSE(ok.cache_hit);
  CHECK(calls == 2);
}

TEST_CASE("a value that cannot be stored fails the run, with the error kept, and the rerun executes") {
  consist::tracker t(scratch_config("unstorable"));
  int calls = 0;
  auto step = [&](const demand_config&) { return fragile{calls++ == 0 ? -1 : 1}; };
  const consist::config cfg{demand_config{1.0, 2, "x"}};
  CHECK_THROWS_WITH_AS(t.run(step, consist::name{"solve"}, cfg), "fragile: a negative value cannot be stored",
                       std::runtime_error);
  consist::run_query q;
  q.model = "solve";
  const auto runs = t.store().find_runs(q);
  REQUIRE(runs.size() == 1);
  CHECK(runs[0].status == consist::run_status::failed);
  CHECK(runs[0].error == "fragile: a negative value cannot be stored");
  const auto again = t.run(step, consist::name{"solve"}, cfg);
  CHECK_FALSE(again.cache_hit);
  CHECK(again.value.v == 1);
  CHECK(t.run(step, consist::name{"solve"}, cfg).cache_hit);
}

TEST_CASE("run_context is injected, outputs declared and written, execution args reach fn") {
  consist::tracker t(scratch_config("context"));
  auto step = [](consist::run_context& ctx, const std::string& greeting) {
    std::ofstream(ctx.output_path("hello.txt")) << greeting;
    ctx.meta()["written"] = true;
  };
  auto r = t.run(step, consist::name{"writer"}, consist::outputs{"hello.txt"},
                 consist::execution_options{std::string("hi")});
  REQUIRE(r.outputs.count("hello.txt") == 1);
  const auto& a = r.outputs.at("hello.txt");
  CHECK(a.producing_run_id == r.run.id);
  CHECK(read_bytes(t.run_dir() / a.location) == "hi");
  CHECK(r.run.meta.at("written").as_bool());
  auto again = t.run(step, consist::name{"writer"}, consist::outputs{"hello.txt"},
                     consist::execution_options{std::string("ignored")});
  CHECK(again.cache_hit);
  CHECK(again.outputs.at("hello.txt").id == a.id);
}

TEST_CASE("a missing input file is an identity_error before fn runs") {
  consist::tracker t(scratch_config("missing-input"));
  bool called = false;
  CHECK_THROWS_AS(t.run([&] { called = true; }, consist::name{"s"},
                        consist::inputs{{"network", t.run_dir() / "no-such-file.csv"}}),
                  consist::identity_error);
  CHECK_FALSE(called);
}

TEST_CASE("identity inputs: one file however its path is spelled; a name given twice is refused") {
  consist::tracker t(scratch_config("identity-inputs"));
  const auto dir = t.run_dir();
  std::filesystem::create_directories(dir / "params");
  { std::ofstream(dir / "params" / "solver.txt") << "tolerance 1e-6\n"; }
  int calls = 0;
  auto step = [&] { return ++calls; };
  const consist::name n{"solve"};
  const auto first = t.run(step, n, consist::identity_inputs{dir / "params" / "solver.txt"});
  CHECK_FALSE(first.cache_hit);
  for (const auto& spelled : {dir / "params" / "." / "solver.txt", dir / "params" / ".." / "params" / "solver.txt",
                              dir / "." / "params" / "solver.txt"}) {
    CAPTURE(spelled);
    const auto again = t.run(step, n, consist::identity_inputs{spelled});
    CHECK(again.cache_hit);
    CHECK(again.value == 1);
  }
  { std::ofstream(dir / "params" / "solver.txt") << "tolerance 1e-8\n"; }
  CHECK_FALSE(t.run(step, n, consist::identity_inputs{dir / "params" / "./solver.txt"}).cache_hit);

  // Two values under one name: which one the identity holds would depend on
  // the order they were written in, so the run is refused before fn runs.
  t.flush();  // the hits' records are queued: written now, so the count below is final
  const auto runs_before = t.store().run_count();
  calls = 0;
  CHECK_THROWS_WITH_AS(t.run(step, n, consist::identity_inputs{consist::identity_value{"seed", 1},
                                                               consist::identity_value{"seed", 2}}),
                       doctest::Contains("identity input 'value:seed' is given twice"), consist::usage_error);
  CHECK_THROWS_AS(t.run(step, n, consist::identity_inputs{dir / "params" / "solver.txt",
                                                          dir / "params" / "./solver.txt"}),
                  consist::usage_error);
  CHECK(calls == 0);
  t.flush();
  CHECK(t.store().run_count() == runs_before);
}

TEST_CASE("a NaN in meta leaves a record every later run and query can read") {
  consist::tracker t(scratch_config("meta-nan"));
  const double nan = std::numeric_limits<double>::quiet_NaN();
  auto step = [&](const demand_config& c, consist::run_context& ctx) {
    ctx.meta()["residual"] = nan;  // a diverged solver's residual
    return c.zones;
  };
  t.run(step, consist::name{"solve"}, consist::config{demand_config{1.0, 3, "a"}},
        consist::meta{{"tolerance", std::numeric_limits<double>::infinity()}});
  // A miss of the same model reads the earlier records to explain itself.
  const auto second = t.run(step, consist::name{"solve"}, consist::config{demand_config{2.0, 3, "a"}});
  CHECK_FALSE(second.cache_hit);
  REQUIRE(second.run.explanation);
  CHECK(second.run.explanation->changed_config_fields == std::vector<std::string>{"alpha"});
  // The text stored (the snapshot is the record's text) is JSON, read back as strings.
  consist::run_query q;
  q.model = "solve";
  const auto runs = t.store().find_runs(q);
  REQUIRE(runs.size() == 2);
  const auto first = consist::read_snapshot(consist::snapshot_path(t.run_dir(), runs.back().id));
  CHECK(first.meta.at("residual") == "nan");
  CHECK(first.meta.at("tolerance") == "inf");
}

TEST_CASE("a JSON config nested too deep for a record to be read back is refused before fn runs, writing nothing") {
  consist::tracker t(scratch_config("json-too-deep"));
  boost::json::value deep = 1;
  for (int i = 0; i < 600; ++i) deep = boost::json::array{std::move(deep)};
  bool called = false;
  auto step = [&] {
    called = true;
    return 1;
  };
  CHECK_THROWS_WITH_AS(t.run<consist::json_adapter>(step, consist::name{"deep"}, consist::config{deep}),
                       doctest::Contains("levels deep"), consist::usage_error);
  CHECK_FALSE(called);
  // The store is as readable as before: a later run and a query of it work.
  const auto flat = t.run<consist::json_adapter>(step, consist::name{"deep"},
                                                 consist::config{boost::json::value{{"levels", 600}}});
  CHECK(called);
  t.flush();
  const auto runs = t.store().find_runs({});
  REQUIRE(runs.size() == 1);
  CHECK(runs[0].id == flat.run.id);
  auto rebuilt = consist::run_store::open(consist::store_options{.path = t.run_dir() / "rebuilt"});
  CHECK(consist::rebuild_store_from_snapshots(*rebuilt, t.run_dir()) == 1);
}

TEST_CASE("record_hits count keeps a counter instead of a record per hit") {
  consist::tracker t(scratch_config("count"));
  const consist::cache_options counted{.record_hits = consist::hit_recording::count};
  auto first = t.run([] { return 7; }, consist::name{"memo"}, counted);
  for (int i = 0; i < 5; ++i) CHECK(t.run([] { return 0; }, consist::name{"memo"}, counted).value == 7);
  t.flush();
  const auto counter = t.store().hit_counter(first.run.id);
  REQUIRE(counter.has_value());
  CHECK(counter->first == 5);
  CHECK(t.store().run_count() == 1);
}

TEST_CASE("a given run_id that names another run is refused on a hit as on a miss; a hit keeps its given id") {
  consist::tracker t(scratch_config("hit_given_id"));
  const demand_config cfg{0.5, 4, "base"};
  auto step = [](const demand_config& c) { return compute(c); };
  const auto first = t.run(step, consist::name{"calib"}, consist::config{cfg}, consist::run_id{"calib_run"});
  REQUIRE_FALSE(first.cache_hit);
  CHECK_THROWS_WITH_AS(t.run(step, consist::name{"calib"}, consist::config{cfg}, consist::run_id{"calib_run"}),
                       doctest::Contains("already names another run"), consist::usage_error);
  const consist::cache_options counted{.record_hits = consist::hit_recording::count};
  CHECK_THROWS_WITH_AS(
      t.run(step, consist::name{"calib"}, consist::config{cfg}, consist::run_id{"calib_run"}, counted),
      doctest::Contains("already names another run"), consist::usage_error);
  CHECK_THROWS_WITH_AS(t.trace("calib", consist::config{cfg}, consist::run_id{"calib_run"}),
                       doctest::Contains("already names another run"), consist::usage_error);
  t.flush();
  CHECK(t.store().run_count() == 1);
  CHECK_FALSE(t.store().hit_counter(first.run.id));

  // A hit under a new id is stored under it, and a miss that then asks for it
  // is refused before fn runs.
  const auto hit = t.run(step, consist::name{"calib"}, consist::config{cfg}, consist::run_id{"fresh"});
  CHECK(hit.cache_hit);
  CHECK(hit.run.id == "fresh");
  bool ran = false;
  auto other = [&](const demand_config& c) {
    ran = true;
    return compute(c);
  };
  CHECK_THROWS_WITH_AS(t.run(other, consist::name{"calib"}, consist::config{demand_config{0.7, 4, "base"}},
                             consist::run_id{"fresh"}),
                       doctest::Contains("already names another run"), consist::usage_error);
  CHECK_FALSE(ran);
  t.flush();
  CHECK(t.store().run_count() == 2);
  const auto stored = t.store().get_run("fresh");
  REQUIRE(stored.has_value());
  CHECK(stored->cache_hit);
  CHECK(stored->cache_source == first.run.id);
}

TEST_CASE("consist::run uses the innermost live tracker and fails clearly without one") {
  {
    consist::tracker outer(scratch_config("outer"));
    {
      consist::tracker inner(scratch_config("inner"));
      auto r = consist::run([] { return 1; }, consist::name{"free"});
      inner.flush();
      CHECK(inner.store().get_run(r.run.id).has_value());
      CHECK_FALSE(outer.store().get_run(r.run.id).has_value());
    }
    auto r = consist::run([] { return 2; }, consist::name{"free"});
    CHECK(outer.store().get_run(r.run.id).has_value());
  }
  CHECK_THROWS_AS(consist::run([] { return 3; }, consist::name{"free"}), consist::usage_error);
}

TEST_CASE("four threads running distinct steps concurrently all land") {
  consist::tracker t(scratch_config("threads"));
  std::vector<std::thread> threads;
  std::atomic<int> executed{0};
  for (int th = 0; th < 4; ++th) {
    threads.emplace_back([&, th] {
      for (int i = 0; i < 25; ++i)
        t.run([&](const demand_config& c) { ++executed; return c.zones; },
              consist::name{"thread" + std::to_string(th)}, consist::config{demand_config{1.0, i, "t"}});
    });
  }
  for (auto& th : threads) th.join();
  CHECK(executed == 100);
  CHECK(t.store().run_count() == 100);
}

TEST_CASE("a pool of 300 threads, all alive at once, each hits (a reader slot each)") {
  // An OpenMP-sized pool: every thread that reads the store holds one slot of
  // its reader table while it lives, so the table must outgrow LMDB's default 126.
  consist::tracker t(scratch_config("thread_pool"));
  auto step = [](const demand_config& c) { return c.zones; };
  t.run(step, consist::name{"pool"}, consist::config{demand_config{1.0, 7, "p"}});
  constexpr int pool = 300;
  std::atomic<int> hits{0}, errors{0}, arrived{0};
  std::vector<std::thread> threads;
  for (int th = 0; th < pool; ++th) {
    threads.emplace_back([&] {
      try {
        if (t.run(step, consist::name{"pool"}, consist::config{demand_config{1.0, 7, "p"}}).cache_hit) ++hits;
      } catch (const consist::error&) {
        ++errors;
      }
      ++arrived;
      while (arrived < pool) std::this_thread::yield();  // no thread ends, freeing its slot, before all have read
    });
  }
  for (auto& th : threads) th.join();
  CHECK(errors == 0);
  CHECK(hits == pool);
}

TEST_CASE("the same run in a second process hits") {
  const auto dir = consist_test::scratch_dir("process");
  const std::string prog = std::string(CONSIST_TEST_PROGRAM_DIR) + "/prog_run_step";
  const std::string cmd = prog + " " + (dir / "store").string() + " " + dir.string() + " 0.25";
  CHECK(command_output(cmd) == "miss\n");
  CHECK(command_output(cmd) == "hit\n");
  consist::tracker t(consist::tracker_config{.store = dir / "store", .run_dir = dir, .code_version = "test-code-1"});
  auto r = t.run([](const demand_config& c) { return compute(c); }, consist::name{"demand"},
                 consist::config{demand_config{0.25, 4, "proc"}});
  CHECK(r.cache_hit);
}

TEST_CASE("a run refused for a CONSIST_TRACING that is no switch leaves no record") {
  // The switch is read once per process, so the run is in a process of its own.
  const auto dir = consist_test::scratch_dir("tracing-switch");
  const std::string prog = std::string(CONSIST_TEST_PROGRAM_DIR) + "/prog_run_step";
  const std::string out = command_output("CONSIST_TRACING=enabled " + prog + " " + (dir / "store").string() + " " +
                                         dir.string() + " 0.25");
  CHECK(out.find("error: Problem: CONSIST_TRACING is set to 'enabled'") == 0);
  consist::tracker t(consist::tracker_config{.store = dir / "store", .run_dir = dir, .code_version = "test-code-1"});
  for (const auto& r : t.find_runs({}))
    FAIL_CHECK("run " << r.id << " was left " << std::string(consist::to_string(r.status)));
  CHECK(command_output("CONSIST_TRACING=0 " + prog + " " + (dir / "store").string() + " " + dir.string() + " 0.25") ==
        "miss\n");
}

TEST_CASE("mdb_stat and Python's lmdb module open the store and count the runs") {
  auto cfg = scratch_config("interop");
  {
    consist::tracker t(cfg);
    for (int i = 0; i < 3; ++i) t.run([i] { return i; }, consist::name{"s" + std::to_string(i)});
  }
  if (!tool_exists("/usr/bin/mdb_stat")) {
    MESSAGE("mdb_stat is not installed (Debian package lmdb-utils): skipping that half");
  } else {
    const auto stat = command_output("/usr/bin/mdb_stat -s runs " + cfg.store.string());
    CHECK(stat.find("Entries: 3") != std::string::npos);
  }
  const std::string py =
      "/usr/bin/python3 -c \"import lmdb,sys; e=lmdb.open(sys.argv[1], readonly=True, lock=False, max_dbs=32); "
      "d=e.open_db(b'runs', create=False); t=e.begin(); print(t.stat(d)['entries'])\" ";
  const auto out = command_output(py + cfg.store.string() + " 2>&1");
  if (out.find("No module named") != std::string::npos) {
    MESSAGE("python3-lmdb is not installed: skipping that half");
  } else {
    CHECK(out == "3\n");
  }
}

TEST_CASE("a forked child opens the store afresh; the tracker it inherited refuses to run" *
          doctest::skip(under_thread_sanitizer)) {
  const auto dir = consist_test::scratch_dir("fork");
  const std::string prog = std::string(CONSIST_TEST_PROGRAM_DIR) + "/prog_fork_child";
  // The child leaves its parent's instance unclosed, by design (closing it would release the parent's
  // reader slots and locks): a leak checker's report of it at the child's exit is no failure here.
  const auto out = command_output("ASAN_OPTIONS=\"${ASAN_OPTIONS:-}:detect_leaks=0\" " + prog + " " +
                                  (dir / "store").string() + " " + dir.string());
  CHECK_MESSAGE(out.find("child: hit 1, miss 1\n") != std::string::npos, out);
  CHECK_MESSAGE(out.find("child: refused: ") != std::string::npos, out);
  CHECK_MESSAGE(out.find("before fork()") != std::string::npos, out);
  CHECK_MESSAGE(out.find("child: closed\n") != std::string::npos, out);
  CHECK_MESSAGE(out.find("parent: child exit 0, 3 runs\n") != std::string::npos, out);  // the child's two are kept
}

TEST_CASE("hit records the background writer could not commit are reported on stderr when the tracker closes") {
  auto cfg = scratch_config("lost_hit");
  const auto step = [](const demand_config& c) { return compute(c); };
  const demand_config c{0.5, 3, "lost"};
  std::string hit_id;
  const auto printed = stderr_of([&] {
    consist::tracker t(cfg);
    const auto miss = t.run(step, consist::name{"demand"}, consist::config{c});
    t.flush();  // what the miss queued is written: the hit's record is the only one left to write
    // A damaged record under the id the hit's record will draw (a thread draws its ids in
    // sequence, see detail/run_id): the writer cannot commit the hit's record.
    const auto suffix = std::stoul(miss.run.id.substr(miss.run.id.size() - 8), nullptr, 16);
    char next[9];
    std::snprintf(next, sizeof next, "%08lx", (suffix + 1) & 0xfffffffful);
    hit_id = "demand_" + std::string(next);
    const_cast<consist::lmdb::env&>(t.store().environment()).write([&](consist::lmdb::txn& tx) {
      tx.put(*tx.open_dbi(consist::layout::db::runs, false), hit_id, "{not json");
    });
    const auto hit = t.run(step, consist::name{"demand"}, consist::config{c});
    CHECK(hit.cache_hit);
    CHECK(hit.run.id == hit_id);
  });
  CHECK_MESSAGE(printed.find("could not commit 1 queued record(s)") != std::string::npos, printed);
  CHECK_MESSAGE(printed.find(hit_id) != std::string::npos, printed);
}

TEST_CASE("a snapshot that cannot be written after the commit names the command that writes it") {
  const auto dir = consist_test::scratch_dir("snapshot_blocked");
  std::ofstream(dir / "a_file") << "not a folder\n";
  consist::tracker t(consist::tracker_config{.store = dir / "store", .run_dir = dir / "a_file" / "runs_here",
                                             .code_version = "test-code-1"});
  const auto step = [](const demand_config& c) { return compute(c); };
  CHECK_THROWS_WITH_AS(t.run(step, consist::name{"demand"}, consist::config{demand_config{0.5, 3, "blocked"}}),
                       doctest::Contains("consist doctor --fix"), consist::store_error);
}
