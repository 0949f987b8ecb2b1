// The `consist` command-line tool's maintenance commands, driven as a
// separate process: doctor on a run whose process was killed mid-run and on
// a damaged store, merge of stores written by separate processes (identical
// duplicates, conflicts, hit counters), compact and rebuild.
#include <consist.hpp>

#include <cli_driver.hpp>
#include <doctest/doctest.h>
#include <scratch.hpp>

#include <boost/json.hpp>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

using namespace consist_test;

TEST_CASE("doctor reports a run whose process was killed mid-run; --fix marks it failed with a reason") {
  const auto dir = scratch_dir("cli-killed");  // store and run folder in one, as by default
  const auto marker = dir / "started";
  const std::string prog = store_program(), mode = "hang", store = dir.string(), mark = marker.string();
  char* child_argv[] = {const_cast<char*>(prog.c_str()),  const_cast<char*>(mode.c_str()),
                        const_cast<char*>(store.c_str()), const_cast<char*>(store.c_str()),
                        const_cast<char*>(mark.c_str()),  nullptr};
  pid_t pid = 0;
  REQUIRE(::posix_spawn(&pid, prog.c_str(), nullptr, nullptr, child_argv, environ) == 0);
  for (int i = 0; i < 600 && !fs::exists(marker); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  REQUIRE(fs::exists(marker));

  const auto running = cli_on(dir, {"runs", "--status", "running", "--json"});
  REQUIRE(running.code == 0);
  const auto ids = ids_of(parse(running.out));
  REQUIRE(ids.size() == 1);
  const auto alive = cli_on(dir, {"doctor"});
  CHECK(alive.code == 0);  // its process still runs it
  CHECK_FALSE(contains(alive.out, "abandoned"));

  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  const auto found = cli_on(dir, {"doctor"});
  CHECK(found.code == 1);
  CHECK(contains(line_with(found.out, ids[0]), "abandoned run"));
  CHECK(contains(line_with(found.out, ids[0]), std::to_string(pid)));

  const auto fixed = cli_on(dir, {"doctor", "--fix", "--run-dir", dir.string()});
  CHECK(fixed.code == 0);
  CHECK(contains(line_with(fixed.out, ids[0]), "fixed"));
  const auto shown = cli_on(dir, {"show", ids[0], "--json"});
  REQUIRE(shown.code == 0);
  const auto rec = consist::record_from_json(parse(shown.out), "show --json");
  CHECK(rec.status == consist::run_status::failed);
  CHECK(contains(rec.error, "abandoned"));
  CHECK(contains(rec.error, std::to_string(pid)));
  CHECK(fs::exists(dir / "runs" / (ids[0] + ".json")));  // the store and its snapshots agree again
  const auto after = cli_on(dir, {"doctor"});
  CHECK(after.code == 0);
  CHECK(contains(after.out, "0 problems"));
}

TEST_CASE("doctor reports dangling parents, missing artifacts and snapshot disagreement, and deletes nothing") {
  const auto dir = scratch_dir("cli-damaged");
  const auto ids = make_store({"full", dir.string(), dir.string()});
  {
    consist::store_options o;
    o.path = dir;
    const auto s = consist::run_store::open(o);
    consist::run_record orphan;
    orphan.id = "orphan_run";
    orphan.model_name = "orphan";
    orphan.status = consist::run_status::completed;
    orphan.parent_run_id = "no_such_parent";
    orphan.links.push_back(
        {"orphan_run", "00000000-0000-4000-8000-000000000000", "ghost", consist::link_direction::input});
    s->commit_run(orphan, nullptr, {});
    auto snap = consist::read_snapshot_full(dir / "runs" / (ids.at("demand_first") + ".json"));
    snap.record.description = "edited by hand";
    consist::write_snapshot(dir, snap.record, nullptr, snap.artifacts);
  }
  const auto r = cli_on(dir, {"doctor"});
  CHECK(r.code == 1);
  CHECK(contains(line_with(r.out, "dangling parent"), "no_such_parent"));
  CHECK(contains(line_with(r.out, "missing artifact"), "00000000-0000-4000-8000-000000000000"));
  CHECK(contains(line_with(r.out, "snapshot differs"), "description"));
  CHECK(contains(line_with(r.out, "missing snapshot"), "orphan_run"));
  const auto fix = cli_on(dir, {"doctor", "--fix"});
  CHECK(fix.code == 1);  // the missing snapshot is written; the rest is not safe to fix
  CHECK(contains(cli_on(dir, {"runs"}).out, "the store holds 9 runs"));
}

TEST_CASE("doctor --fix writes the snapshot a run in the store lacks, as the run wrote it; a rebuild keeps the run") {
  const auto dir = scratch_dir("cli-snapshot-missing");
  const auto ids = make_store({"full", dir.string(), dir.string()});
  std::vector<std::pair<fs::path, std::string>> removed;
  for (const auto* name : {"demand_first", "assign", "failed"}) {
    const auto file = dir / "runs" / (ids.at(name) + ".json");
    removed.emplace_back(file, read_file(file));
    fs::remove(file);
  }
  const auto found = cli_on(dir, {"doctor"});
  CHECK(found.code == 1);
  CHECK(contains(line_with(found.out, ids.at("assign")), "missing snapshot"));
  CHECK(contains(found.out, "--fix"));
  const auto fixed = cli_on(dir, {"doctor", "--fix"});
  CHECK_MESSAGE(fixed.code == 0, fixed.out << fixed.err);
  CHECK(contains(line_with(fixed.out, ids.at("assign")), "fixed"));
  for (const auto& entry : removed) {  // not a structured binding: clang 14 cannot capture one in CHECK_MESSAGE
    REQUIRE(fs::exists(entry.first));
    CHECK_MESSAGE(read_file(entry.first) == entry.second, entry.first.string());
  }
  CHECK(cli_on(dir, {"doctor"}).code == 0);
  const auto rebuilt = dir / "rebuilt";
  REQUIRE(cli_on(rebuilt, {"rebuild", "--from-snapshots", dir.string()}).code == 0);
  CHECK(cli_on(rebuilt, {"show", ids.at("assign")}).code == 0);
}

TEST_CASE("merge combines the stores of two processes; a second merge adds nothing; the cache still hits") {
  const auto dir = scratch_dir("cli-merge");
  const auto a = make_store({"job", (dir / "a").string(), (dir / "a").string(), "alpha"});
  const auto b = make_store({"job", (dir / "b").string(), (dir / "b").string(), "beta"});
  const auto merged = dir / "merged";
  const auto r = cli_on(merged, {"merge", (dir / "a").string(), (dir / "b").string()});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  CHECK(contains(r.out, "4 runs and 4 artifacts added"));
  const auto listed = ids_of(parse(cli_on(merged, {"runs", "--json"}).out));
  CHECK(listed.size() == 4);
  for (const auto& i : {a.at("part0"), a.at("part1"), b.at("part0"), b.at("part1")})
    CHECK(std::find(listed.begin(), listed.end(), i) != listed.end());
  const auto health = cli_on(merged, {"doctor"});
  CHECK_MESSAGE(health.code == 0, health.out);

  const auto again = cli_on(merged, {"merge", (dir / "a").string(), (dir / "b").string()});
  CHECK(again.code == 0);
  CHECK(contains(again.out, "0 runs and 0 artifacts added, 4 runs and 4 artifacts already present"));

  // The merged store carries the cache entries: job alpha hits there now.
  make_store({"job", merged.string(), (dir / "a").string(), "alpha"});
  const auto jobs = parse(cli_on(merged, {"runs", "--model", "job", "--json"}).out).as_array();
  CHECK(jobs.size() == 6);
  const auto hits = std::count_if(jobs.begin(), jobs.end(),
                                  [](const boost::json::value& j) { return j.at("cache_hit").as_bool(); });
  CHECK(hits == 2);
}

TEST_CASE("merge reports conflicting runs and writes nothing unless --skip-conflicts") {
  const auto dir = scratch_dir("cli-conflict");
  make_store({"job", (dir / "c").string(), (dir / "c").string(), "gamma", "shared_run"});
  make_store({"job", (dir / "d").string(), (dir / "d").string(), "delta", "shared_run"});
  const auto merged = dir / "merged";
  const auto r = cli_on(merged, {"merge", (dir / "c").string(), (dir / "d").string()});
  CHECK(r.code == 1);
  CHECK(contains(line_with(r.out, "conflict"), "shared_run"));
  CHECK(contains(r.out, "nothing was merged"));
  CHECK(parse(cli_on(merged, {"runs", "--json"}).out).as_array().empty());

  const auto skip = cli_on(merged, {"merge", (dir / "c").string(), (dir / "d").string(), "--skip-conflicts"});
  CHECK(skip.code == 0);
  CHECK(contains(skip.out, "1 conflict skipped"));
  CHECK(ids_of(parse(cli_on(merged, {"runs", "--json"}).out)).size() == 5);
  const auto shared = consist::record_from_json(parse(cli_on(merged, {"show", "shared_run", "--json"}).out), "show");
  CHECK(shared.config.at("label").as_string() == "gamma");  // the first version seen is kept

  fs::create_directory_symlink(merged, dir / "link");
  for (const auto& self : {merged, merged / ".", dir / "link"}) {  // into itself, however spelt
    const auto into_itself = cli_on(merged, {"merge", self.string()});
    CHECK(into_itself.code == 2);
    CHECK(contains(into_itself.err, "into itself"));
  }
  CHECK(cli_on(merged, {"merge", (dir / "nowhere").string()}).code == 1);
}

TEST_CASE("merge of a job store whose run was running at the last merge takes its finished record, no conflict") {
  const auto dir = scratch_dir("cli-merge-finished");
  consist::run_record r;
  r.id = "job_0000abcd";
  r.model_name = "job";
  r.status = consist::run_status::running;
  r.pid = 4242;
  r.host = "node-7";
  r.started_at = r.created_at = r.updated_at = consist::timestamp(std::chrono::seconds(1'700'000'000));
  consist::run_store::open(consist::store_options{.path = dir / "job"})->begin_run(r);
  fs::copy(dir / "job", dir / "early", fs::copy_options::recursive);  // a copy taken while the run ran
  const auto merged = dir / "merged";
  REQUIRE(cli_on(merged, {"merge", (dir / "job").string()}).code == 0);

  r.status = consist::run_status::completed;
  r.ended_at = r.updated_at = r.started_at + std::chrono::hours(30);
  consist::run_store::open(consist::store_options{.path = dir / "job"})->commit_run(r, nullptr, {});
  const auto again = cli_on(merged, {"merge", (dir / "job").string()});
  CHECK_MESSAGE(again.code == 0, again.out);
  CHECK(contains(again.out, "1 running run finished"));
  const auto status = [&] {
    return std::string(parse(cli_on(merged, {"show", r.id, "--json"}).out).at("status").as_string());
  };
  CHECK(status() == "completed");
  // The copy that still has it running neither conflicts nor turns it back.
  const auto old = cli_on(merged, {"merge", (dir / "early").string()});
  CHECK_MESSAGE(old.code == 0, old.out);
  CHECK(contains(old.out, "0 runs and 0 artifacts added, 1 run and 0 artifacts already present"));
  CHECK(status() == "completed");
  // Into a new store, in either order, the finished record is the one kept.
  for (const auto& order : {std::vector<std::string>{"early", "job"}, std::vector<std::string>{"job", "early"}}) {
    const auto into = dir / ("both-" + order[0]);
    CHECK(cli_on(into, {"merge", (dir / order[0]).string(), (dir / order[1]).string()}).code == 0);
    CHECK(std::string(parse(cli_on(into, {"show", r.id, "--json"}).out).at("status").as_string()) == "completed");
  }
}

TEST_CASE("merge keeps the larger hit count of a run, so a store merged with its own copy counts nothing twice") {
  const auto dir = scratch_dir("cli-merge-counts");
  const consist::cache_options counted{.record_hits = consist::hit_recording::count};
  std::string producer;
  auto memo = [&](const fs::path& store, int calls) {
    consist::tracker t(consist::tracker_config{.store = store, .run_dir = store, .code_version = "cli-test-1"});
    for (int i = 0; i < calls; ++i) producer = t.run([] { return 7; }, consist::name{"memo"}, counted).run.cache_source;
  };
  memo(dir / "a", 3);  // one miss, two counted hits
  fs::copy(dir / "a", dir / "b", fs::copy_options::recursive);
  memo(dir / "b", 3);  // three more hits in the copy: five there
  const auto r = cli_on(dir / "c", {"merge", (dir / "a").string(), (dir / "b").string()});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  CHECK(contains(r.out, "1 run and 0 artifacts added, 1 run and 0 artifacts already present, 1 hit counter"));
  const auto shown = cli_on(dir / "c", {"show", producer});
  CHECK(contains(line_with(shown.out, "reused"), "5 times"));
  CHECK(cli_on(dir / "c", {"merge", (dir / "b").string()}).code == 0);
  CHECK(contains(line_with(cli_on(dir / "c", {"show", producer}).out, "reused"), "5 times"));
}

TEST_CASE("merge of two copies of one store that each used the same input file since: no conflict") {
  // A warm store copied to each job, merged back: the input file's artifact
  // (named by its location and fingerprint) was last used by another run in
  // each copy, with another key, at another time.
  const auto dir = scratch_dir("cli-merge-inputs");
  const auto input = dir / "net.csv";
  std::ofstream(input) << "a,b\n1,2\n";
  auto job = [&](const fs::path& store, const std::string& name, const std::string& key) {
    consist::tracker t(consist::tracker_config{.store = store, .run_dir = dir, .code_version = "cli-test-1"});
    return t.run([] { return 1; }, consist::name{name}, consist::inputs{{key, input}}).run.id;
  };
  job(dir / "a", "base", "net");
  fs::copy(dir / "a", dir / "b", fs::copy_options::recursive);
  const auto one = job(dir / "a", "job1", "network");
  const auto two = job(dir / "b", "job2", "net");
  const auto r = cli_on(dir / "a", {"merge", (dir / "b").string()});
  REQUIRE_MESSAGE(r.code == 0, r.out << r.err);
  CHECK_FALSE(contains(r.out, "conflict"));
  CHECK(contains(r.out, "1 run and 0 artifacts added"));
  const auto listed = ids_of(parse(cli_on(dir / "a", {"runs", "--json"}).out));
  CHECK(listed.size() == 3);
  CHECK(std::find(listed.begin(), listed.end(), two) != listed.end());
  // Each run keeps the key it gave the file.
  CHECK(contains(cli_on(dir / "a", {"show", two}).out, "net"));
  CHECK(contains(cli_on(dir / "a", {"show", one}).out, "network"));
  CHECK(cli_on(dir / "a", {"doctor"}).code == 0);
}

TEST_CASE("compact writes a compacted copy with the same runs; rebuild re-creates runs from snapshots") {
  const auto dir = scratch_dir("cli-maintain");
  const auto copy = dir / "compacted";
  const auto c = cli_on(known().store, {"compact", "--out", copy.string()});
  REQUIRE_MESSAGE(c.code == 0, c.err);
  CHECK(fs::file_size(copy / "data.mdb") <= fs::file_size(known().store / "data.mdb"));
  CHECK(ids_of(parse(cli_on(copy, {"runs", "--json"}).out)) ==
        ids_of(parse(cli_on(known().store, {"runs", "--json"}).out)));
  CHECK(cli_on(known().store, {"compact", "--out", copy.string()}).code == 2);  // never over a store

  const auto rebuilt = dir / "rebuilt";
  const auto r = cli_on(rebuilt, {"rebuild", "--from-snapshots", known().dir.string()});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  CHECK(contains(r.out, "from 7 snapshots"));  // every run but the hit, which has no snapshot
  const auto shown = cli_on(rebuilt, {"show", id("assign")});
  CHECK(shown.code == 0);
  CHECK(contains(shown.out, id("flows")));
  CHECK(cli_on(rebuilt, {"rebuild", "--from-snapshots", known().dir.string()}).code == 2);  // not empty
  CHECK(cli_on(dir / "other", {"rebuild", "--from-snapshots", (dir / "nowhere").string()}).code == 1);
}

