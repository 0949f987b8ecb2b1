// Hostile input: what is at the store path, in the store's files, in
// snapshots and in the arguments of a run. Each is refused with a clear
// consist::error, never a crash.
#include <consist.hpp>

#include <boost/hana/define_struct.hpp>
#include <doctest/doctest.h>
#include <scratch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

struct text_config {
  BOOST_HANA_DEFINE_STRUCT(text_config, (std::string, text));
};

consist::tracker_config config_in(const std::filesystem::path& dir) {
  return consist::tracker_config{.store = dir / "store", .run_dir = dir, .code_version = "hostile-test"};
}

void write_file(const std::filesystem::path& p, const std::string& bytes) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << bytes;
}

int echo(const text_config& c) { return static_cast<int>(c.text.size()); }

/// A store with three completed runs; returns their ids.
std::vector<std::string> populate(const std::filesystem::path& dir) {
  consist::tracker t(config_in(dir));
  std::vector<std::string> ids;
  for (const char* s : {"a", "bb", "ccc"})
    ids.push_back(t.run(echo, consist::name{"populate"}, consist::config{text_config{s}}).run.id);
  return ids;
}

}  // namespace

TEST_CASE("a regular file at the store path is a store_error, not a crash") {
  const auto dir = consist_test::scratch_dir("hostile_file");
  write_file(dir / "store", "not a directory");
  CHECK_THROWS_AS(consist::tracker(config_in(dir)), consist::store_error);
}

TEST_CASE("a foreign data.mdb is an integrity_error naming the store") {
  const auto dir = consist_test::scratch_dir("hostile_foreign");
  write_file(dir / "store" / "data.mdb", std::string(64 << 10, 'Z'));
  CHECK_THROWS_WITH_AS(consist::tracker(config_in(dir)), doctest::Contains((dir / "store").c_str()), consist::error);
}

TEST_CASE("another program's LMDB environment is refused") {
  const auto dir = consist_test::scratch_dir("hostile_other_lmdb");
  {
    auto e = consist::lmdb::env::open(dir / "store", {});
    e.write([](consist::lmdb::txn& t) { t.put(*t.open_dbi(nullptr, false), "someone", "else"); });
  }
  CHECK_THROWS_AS(consist::tracker(config_in(dir)), consist::error);
}

TEST_CASE("a truncated data.mdb is an integrity_error, not a SIGBUS") {
  for (const double keep : {0.5, 0.01}) {
    const auto dir = consist_test::scratch_dir("hostile_truncated");
    populate(dir);
    const auto data = dir / "store" / "data.mdb";
    std::filesystem::resize_file(data, static_cast<std::uintmax_t>(std::filesystem::file_size(data) * keep));
    CAPTURE(keep);
    CHECK_THROWS_AS(consist::run_store::open(consist::store_options{.path = dir / "store", .read_only = true}),
                    consist::error);
    CHECK_THROWS_AS(consist::tracker(config_in(dir)), consist::error);
  }
}

TEST_CASE("a snapshot with invalid JSON or wrong types is an integrity_error naming the file") {
  const auto dir = consist_test::scratch_dir("hostile_snapshot");
  const auto ids = populate(dir);
  const auto file = consist::snapshot_path(dir, ids[0]);
  const std::string good = [&] {
    std::ifstream in(file);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }();
  const std::vector<std::string> bad{
      good.substr(0, good.size() / 2),                                          // truncated
      "",                                                                       // empty
      "[1,2,3]",                                                                // not an object
      std::string(100'000, '['),                                                // deeper than the parser allows
      std::string(good).replace(good.find("\"status\":\"completed\""), 20, "\"status\":42         "),  // wrong type
      std::string(good).replace(good.find("\"cache\":"), 8, "\"cache\":7,\"x\":"),                      // wrong type
  };
  for (const auto& text : bad) {
    write_file(file, text);
    CHECK_THROWS_WITH_AS(consist::read_snapshot_full(file), doctest::Contains(file.c_str()), consist::integrity_error);
  }
  // A rebuild stops at the damaged snapshot with its error.
  auto store = consist::run_store::open(consist::store_options{.path = dir / "rebuilt"});
  CHECK_THROWS_AS(consist::rebuild_store_from_snapshots(*store, dir), consist::integrity_error);
}

TEST_CASE("a 10 MB config string is stored, and a second run hits and restores it") {
  const auto dir = consist_test::scratch_dir("hostile_big_config");
  consist::tracker t(config_in(dir));
  const text_config big{std::string(10 << 20, 'q')};
  const auto first = t.run(echo, consist::name{"big"}, consist::config{big});
  const auto second = t.run(echo, consist::name{"big"}, consist::config{big});
  CHECK_FALSE(first.cache_hit);
  CHECK(second.cache_hit);
  CHECK(second.value == 10 << 20);
  CHECK(t.store().get_run(first.run.id)->config.at("text").as_string().size() == std::size_t{10} << 20);
}

TEST_CASE("keys with '..', NUL, newlines or '/' tricks are usage_errors before anything runs") {
  const auto dir = consist_test::scratch_dir("hostile_keys");
  consist::tracker t(config_in(dir));
  int calls = 0;
  auto step = [&](const text_config&) { ++calls; };
  const text_config c{"x"};
  for (const std::string& key : {std::string("../escape"), std::string("a/../../b"), std::string("/abs"),
                                std::string("a\0b", 3), std::string("line\nbreak"), std::string("a//b"),
                                std::string(300, 'k'), std::string()}) {
    CAPTURE(key);
    CHECK_THROWS_AS(t.run(step, consist::name{"keys"}, consist::config{c}, consist::outputs{key}), consist::usage_error);
    CHECK_THROWS_AS(t.run(step, consist::name{"keys"}, consist::config{c}, consist::inputs{{key, dir / "store"}}),
                    consist::usage_error);
  }
  for (const std::string& name : {std::string(".."), std::string("a/b"), std::string("a\0b", 3), std::string("x\n"),
                                 std::string(257, 'n')}) {
    CAPTURE(name);
    CHECK_THROWS_AS(t.run(step, consist::name{name}, consist::config{c}), consist::usage_error);
  }
  CHECK(calls == 0);
  CHECK(t.store().run_count() == 0);
}

TEST_CASE("a bad name, model or run id is reported under the option the user gave") {
  const auto dir = consist_test::scratch_dir("hostile_option_named");
  consist::tracker t(config_in(dir));
  auto step = [](const text_config&) {};
  const text_config c{"x"};
  const auto problem_of = [&](auto&&... opts) {
    try {
      t.run(step, consist::config{c}, opts...);
    } catch (const consist::usage_error& e) {
      return e.problem() + " | " + e.likely_cause() + " | " + e.suggested_fix();
    }
    return std::string("accepted");
  };
  // A model without a name is the run's name, limited to 241 characters: the error says "model".
  const std::string long_model = problem_of(consist::model{std::string(245, 'm')});
  CHECK(long_model.starts_with("model (the run's name when consist::name is not given) is 245 characters long"));
  CHECK(problem_of(consist::model{"a b"}).starts_with("model 'a b'"));
  CHECK(problem_of(consist::name{"a b"}, consist::model{"m"}).starts_with("name 'a b'"));
  CHECK(problem_of(consist::name{std::string(245, 'n')}).starts_with("name is 245 characters long"));
  const std::string empty_id = problem_of(consist::name{"ok"}, consist::run_id{""});
  CHECK(empty_id.starts_with("run_id is empty | consist::run_id{...} was given an empty string"));
  CHECK(problem_of(consist::name{""}).find("consist::name{\"demand\"}") != std::string::npos);
  CHECK(t.store().run_count() == 0);
}

TEST_CASE("a stage or phase outside [A-Za-z0-9_.-] is a usage_error before anything runs") {
  const auto dir = consist_test::scratch_dir("hostile_stage_phase");
  consist::tracker t(config_in(dir));
  int calls = 0;
  auto step = [&](const text_config&) { ++calls; };
  const text_config c{"x"};
  for (const std::string& label : {std::string("../my stage/\xc3\xa9"), std::string("a\tb"), std::string("a b"),
                                  std::string("a\0b", 3), std::string(".hidden"), std::string("-flag"),
                                  std::string("a..b"), std::string(251, 's')}) {
    CAPTURE(label);
    try {
      t.run(step, consist::name{"labels"}, consist::config{c}, consist::stage{label});
      FAIL("a bad stage was accepted");
    } catch (const consist::usage_error& e) {
      CHECK(e.problem().find("stage") != std::string::npos);
      CHECK_FALSE(e.likely_cause().empty());
      CHECK_FALSE(e.suggested_fix().empty());
    }
    CHECK_THROWS_WITH_AS(t.run(step, consist::name{"labels"}, consist::config{c}, consist::phase{label}),
                         doctest::Contains("phase"), consist::usage_error);
  }
  CHECK(calls == 0);
  CHECK(t.store().run_count() == 0);
  const auto ok = t.run(step, consist::name{"labels"}, consist::config{c}, consist::stage{"calibration_2.v-1"},
                        consist::phase{"Warm_up"});
  CHECK(t.store().get_run(ok.run.id)->stage == "calibration_2.v-1");
  CHECK(calls == 1);
}

// The store keys tags with the run id, so a tag may hold layout::max_name_bytes
// (250) bytes, a little under the 256 characters of the option's limit.
TEST_CASE("tags: 256 tags at the length limit pass; a longer tag, a NUL, or 10,000 tags are usage_errors") {
  const auto dir = consist_test::scratch_dir("hostile_tags");
  consist::tracker t(config_in(dir));
  const text_config c{"x"};
  std::vector<std::string> at_limit;
  const std::size_t longest = std::min(consist::limits::label_chars, consist::layout::max_name_bytes);
  for (int i = 0; i < 256; ++i) at_limit.push_back(std::to_string(i) + std::string(longest - std::to_string(i).size(), 't'));
  const auto ok = t.run(echo, consist::name{"tags"}, consist::config{c}, consist::tags{at_limit});
  CHECK(t.store().get_run(ok.run.id)->tags.size() == 256);
  std::vector<std::string> many;
  for (int i = 0; i < 10'000; ++i) many.push_back("t" + std::to_string(i));
  CHECK_THROWS_WITH_AS(t.run(echo, consist::name{"tags"}, consist::config{c}, consist::tags{many}),
                       doctest::Contains("10000 tags"), consist::usage_error);
  CHECK_THROWS_AS(t.run(echo, consist::name{"tags"}, consist::config{c}, consist::tags{{std::string(257, 'l')}}),
                  consist::usage_error);
  CHECK_THROWS_AS(t.run(echo, consist::name{"tags"}, consist::config{c}, consist::tags{{std::string("a\0b", 3)}}),
                  consist::usage_error);
  CHECK_THROWS_AS(t.run(echo, consist::name{"tags"}, consist::config{c}, consist::tags{{"new\nline"}}),
                  consist::usage_error);
  CHECK(t.store().run_count() == 1);
}

namespace {

consist::run_status status_of(consist::tracker& t, const std::string& model) {
  consist::run_query q;
  q.model = model;
  const auto runs = t.store().find_runs(q);
  REQUIRE(runs.size() == 1);
  return runs[0].status;
}

}  // namespace

TEST_CASE("outputs that are symbolic links leading outside run_dir are refused unless allowed") {
  const auto dir = consist_test::scratch_dir("hostile_links");
  write_file(dir / "outside" / "data.csv", "not the run's data");
  auto cfg = config_in(dir / "run");
  const auto outside = dir / "outside" / "data.csv";
  auto links_outside = [&](consist::run_context& ctx) {
    std::filesystem::create_symlink(outside, ctx.output_path("result.csv"));
    return 1;
  };
  auto folder_with_link_outside = [&](consist::run_context& ctx) {
    write_file(ctx.output_path("tables") / "own.csv", "own");
    std::filesystem::create_symlink(outside, ctx.output_path("tables") / "b.csv");
    return 2;
  };
  auto links_inside = [](consist::run_context& ctx) {
    write_file(ctx.output_path("real.csv"), "inside");
    std::filesystem::create_symlink(ctx.output_path("real.csv"), ctx.output_path("alias.csv"));
    return 3;
  };

  SUBCASE("a declared output linked outside: output_error, the run failed, the error names the link") {
    consist::tracker t(cfg);
    CHECK_THROWS_WITH_AS(t.run(links_outside, consist::name{"link_out"}, consist::outputs{"result.csv"}),
                         doctest::Contains("outside the run folder"), consist::output_error);
    CHECK(status_of(t, "link_out") == consist::run_status::failed);
    // Not a cache candidate: the next call executes again (and fails again).
    CHECK_THROWS_AS(t.run(links_outside, consist::name{"link_out"}, consist::outputs{"result.csv"}),
                    consist::output_error);
  }
  SUBCASE("a link outside inside a declared output folder is refused") {
    consist::tracker t(cfg);
    CHECK_THROWS_WITH_AS(t.run(folder_with_link_outside, consist::name{"folder_out"}, consist::outputs{"tables"}),
                         doctest::Contains("b.csv"), consist::output_error);
    CHECK(status_of(t, "folder_out") == consist::run_status::failed);
  }
  SUBCASE("an undeclared link outside is refused, not skipped") {
    consist::tracker t(cfg);
    CHECK_THROWS_AS(t.run(links_outside, consist::name{"undeclared_out"}), consist::output_error);
  }
  SUBCASE("a link that stays inside run_dir is an output like any other") {
    consist::tracker t(cfg);
    auto r = t.run(links_inside, consist::name{"link_in"}, consist::outputs{"real.csv", "alias.csv"});
    CHECK(r.run.status == consist::run_status::completed);
    CHECK(r.outputs.size() == 2);
  }
  SUBCASE("allow_external_outputs records the link and its content") {
    cfg.allow_external_outputs = true;
    consist::tracker t(cfg);
    auto r = t.run(links_outside, consist::name{"link_allowed"}, consist::outputs{"result.csv"});
    CHECK(r.run.status == consist::run_status::completed);
    REQUIRE(r.outputs.size() == 1);
    CHECK(t.run(links_outside, consist::name{"link_allowed"}, consist::outputs{"result.csv"}).cache_hit);
  }
  SUBCASE("a trace's log_output of a link outside is refused") {
    consist::tracker t(cfg);
    auto tr = t.trace("trace_link_out");
    std::filesystem::create_directories(tr.output_path("x").parent_path());
    std::filesystem::create_symlink(outside, tr.output_path("x"));
    CHECK_THROWS_WITH_AS(tr.log_output("x", tr.output_path("x")), doctest::Contains("symbolic link"),
                         consist::output_error);
    tr.fail(std::make_exception_ptr(std::runtime_error("refused output")));
  }
}
