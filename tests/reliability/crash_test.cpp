// Crash injection: a child runs steps in a loop and is killed with SIGKILL at
// random moments, many times against one store. After every kill the store
// opens, every run the child reported is there, complete and decodable with
// its artifacts and snapshot, and a run cut short is left `running` (unless
// cut within the writer's first ~2 ms: its running record is queued then).
#include "processes.hpp"

#include <consist/store/snapshot.hpp>
#include <consist/store/store.hpp>

#include <doctest/doctest.h>
#include <scratch.hpp>

#include <signal.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <set>
#include <sstream>
#include <thread>

namespace {

constexpr int kills = 200;

struct reported {
  std::string id;
  bool hit = false;
};

std::vector<reported> reports(const std::filesystem::path& file) {
  std::vector<reported> out;
  for (const auto& line : reliability::lines_of(file)) {
    std::istringstream in(line);
    reported r;
    std::string kind;
    if (in >> r.id >> kind) {
      r.hit = kind == "hit";
      out.push_back(r);
    }
  }
  return out;
}

/// A reported run: committed, completed, with its output artifacts and (a miss) its snapshot.
void check_reported(const consist::run_store& store, const std::filesystem::path& run_dir, const reported& r) {
  const auto rec = store.get_run(r.id);
  REQUIRE_MESSAGE(rec, "reported run " << r.id << " is missing");
  CHECK(rec->status == consist::run_status::completed);
  CHECK(rec->cache_hit == r.hit);
  for (const auto& link : rec->links)
    if (link.direction == consist::link_direction::output) CHECK_MESSAGE(store.get_artifact(link.artifact_id), r.id);
  if (r.hit) return;
  const auto snap = consist::read_snapshot_full(consist::snapshot_path(run_dir, r.id));
  CHECK(snap.record.id == r.id);
  CHECK(snap.record.status == consist::run_status::completed);
  REQUIRE(snap.cache);
  CHECK(store.find_cached(snap.cache->signature));
}

/// Waits (at most 30 s) until the report has more than `before` lines.
void wait_for_report(const std::filesystem::path& report, std::size_t before) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (reliability::lines_of(report).size() <= before && std::chrono::steady_clock::now() < give_up)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

}  // namespace

TEST_CASE("SIGKILL at random moments never loses a reported run nor leaves a torn record") {
  const auto dir = consist_test::scratch_dir("crash");
  const auto store_dir = dir / "store", report = dir / "report.txt";
  std::mt19937 rng(20261126);
  std::uniform_int_distribution<int> delay_us(0, 40'000);
  std::size_t checked = 0, interrupted = 0, between_runs = 0;
  std::set<std::string> seen;
  const auto started = std::chrono::steady_clock::now();
  for (int k = 0; k < kills; ++k) {
    const auto reported_before = reliability::lines_of(report).size();
    const pid_t child = reliability::spawn(reliability::program("crash_child"),
                                           {store_dir.string(), dir.string(), report.string()});
    // Three kills in four wait until the child reports a run, so they land
    // inside the loop however slow its start (e.g. under a sanitizer); the
    // fourth may also land while it opens the store.
    if (k % 4 != 0) wait_for_report(report, reported_before);
    std::this_thread::sleep_for(std::chrono::microseconds(delay_us(rng)));
    ::kill(child, SIGKILL);
    REQUIRE(reliability::wait_for(child) == 128 + SIGKILL);

    auto store = consist::run_store::open(consist::store_options{.path = store_dir});
    for (const auto& r : reports(report))
      if (seen.insert(r.id).second) {
        check_reported(*store, dir, r);
        ++checked;
      }
    consist::run_query running;
    running.status = consist::run_status::running;
    std::size_t mine = 0;
    for (const auto& r : store->find_runs(running))
      if (r.pid == child) {
        ++mine;
        CHECK_FALSE(seen.count(r.id));  // a reported run is never left running
      }
    CHECK(mine <= 1);  // the child runs one step at a time
    (mine == 1 ? interrupted : between_runs)++;
  }
  // Every record decodes (find_runs reads them all) and every index entry names a record.
  auto store = consist::run_store::open(consist::store_options{.path = store_dir});
  const auto all = store->find_runs({});
  CHECK(all.size() == store->run_count());
  CHECK(all.size() >= checked);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("crash injection: %d kills, %zu reported runs verified, %zu records, %zu kills mid-run "
              "(left running), %zu between runs, %.1f s\n",
              kills, checked, all.size(), interrupted, between_runs, seconds);
  CHECK(interrupted > kills / 10);  // the kills do land inside runs
  CHECK(checked >= static_cast<std::size_t>(kills) / 2);  // the kills after a report saw at least one each
}
