// run_store::start_run: a running record written by the background writer,
// withdrawn when its run commits first; and what a tracker's miss shows of it.
#include "store_fixtures.hpp"

#include <consist.hpp>
#include <consist/store/store.hpp>

#include <boost/hana/define_struct.hpp>
#include <doctest/doctest.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>

using namespace consist;

namespace {

std::shared_ptr<run_store> open_store(const std::filesystem::path& p, durability d = durability::sync,
                                      bool read_only = false) {
  return run_store::open({.path = p, .durability = d, .initial_map_size = 64 << 10, .read_only = read_only});
}

run_record running(const std::string& id, int i) {
  auto r = fixtures::full_record(id, i);
  r.status = run_status::running;
  return r;
}

struct step_config {
  BOOST_HANA_DEFINE_STRUCT(step_config, (int, n));
};

}  // namespace

TEST_CASE("start_run: the writer stores the running record; commit_run completes it") {
  auto s = open_store(fixtures::scratch("start_written"));
  auto r = running("run_1", 1);
  REQUIRE(s->try_start_run(r));
  s->flush();
  const auto stored = s->get_run("run_1");
  REQUIRE(stored);
  CHECK(stored->status == run_status::running);
  CHECK(*stored == r);

  r.status = run_status::completed;
  const auto e = fixtures::entry_for(r, 1);
  s->commit_run(r, &e, {});
  s->flush();
  CHECK(s->get_run("run_1") == r);
  CHECK(s->find_cached(fixtures::signature_of(1)) == e);
  CHECK(s->run_count() == 1);
}

TEST_CASE("start_run: a run committed at once ends completed whichever of the writer and the commit goes first") {
  // Most commits come within the writer's linger (the running record is
  // withdrawn); every seventh waits past it (the writer wrote it first). That
  // the writer leaves a record committed between its taking a running record
  // and writing it comes from put_run's new_run rule (begin_run's, tested in
  // reliability.concurrency), which this loop meets only by chance.
  auto s = open_store(fixtures::scratch("start_withdrawn"), durability::nosync);
  constexpr int runs = 300;
  for (int i = 0; i < runs; ++i) {
    auto r = running("run_" + std::to_string(i), i);
    REQUIRE(s->try_start_run(r));
    if (i % 7 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(3));  // the writer takes it first
    r.status = i % 2 ? run_status::completed : run_status::failed;
    s->commit_run(r, nullptr, {});
  }
  s->flush();
  CHECK(s->run_count() == runs);
  run_query q;
  q.status = run_status::running;
  CHECK(s->find_runs(q).empty());
  for (int i = 0; i < runs; ++i)
    CHECK(s->get_run("run_" + std::to_string(i))->status == (i % 2 ? run_status::completed : run_status::failed));
}

TEST_CASE("start_run refuses an id in the store or started and not yet committed, and a run that is not starting") {
  const auto dir = fixtures::scratch("start_ids");
  auto s = open_store(dir);
  auto done = fixtures::full_record("run_done", 1);
  s->commit_run(done, nullptr, {});
  CHECK_FALSE(s->try_start_run(running("run_done", 2)));
  CHECK_THROWS_WITH_AS(s->start_run(running("run_done", 2)), doctest::Contains("already names another run"),
                       usage_error);

  REQUIRE(s->try_start_run(running("run_open", 3)));
  CHECK_FALSE(s->try_start_run(running("run_open", 4)));  // queued, not written yet
  s->flush();
  CHECK_FALSE(s->try_start_run(running("run_open", 4)));  // written
  CHECK(s->get_run("run_open")->status == run_status::running);

  CHECK_THROWS_WITH_AS(s->start_run(fixtures::full_record("run_x", 5)), doctest::Contains("status completed"),
                       usage_error);
  auto bad = running("run_y", 6);
  bad.tags = {std::string("nul\0byte", 8)};
  CHECK_THROWS_AS(s->start_run(bad), usage_error);  // checked here, not on the writer
  s->flush();                                       // and nothing was queued for it
  CHECK_FALSE(s->get_run("run_y"));
  CHECK_FALSE(s->get_run("run_x"));

  s.reset();
  auto ro = open_store(dir, durability::sync, true);
  CHECK_THROWS_WITH_AS(ro->start_run(running("run_z", 7)), doctest::Contains("read-only"), store_error);
}

TEST_CASE("add_run writes at once and refuses an id in the store or started and not yet committed") {
  auto s = open_store(fixtures::scratch("add_run_ids"));
  s->commit_run(fixtures::full_record("run_done", 1), nullptr, {});
  REQUIRE(s->try_start_run(running("run_open", 2)));
  CHECK_FALSE(s->try_add_run(fixtures::full_record("run_done", 3)));
  CHECK_THROWS_WITH_AS(s->add_run(fixtures::full_record("run_open", 4)), doctest::Contains("already names another run"),
                       usage_error);
  CHECK(s->names_run("run_open"));
  s->add_run(fixtures::full_record("run_new", 5));
  CHECK(s->names_run("run_new"));
  CHECK(*s->get_run("run_new") == fixtures::full_record("run_new", 5));  // no flush: written already
  s->flush();
  CHECK(s->run_count() == 3);
  CHECK(s->get_run("run_done")->year == 2001);  // not replaced
  CHECK(s->get_run("run_open")->status == run_status::running);
}

TEST_CASE("a tracked step shows as running to other readers once past the writer's linger, and never after") {
  const auto dir = fixtures::scratch("start_tracker");
  consist::tracker t(consist::tracker_config{.store = dir / "store", .run_dir = dir, .code_version = "start-test"});
  std::optional<run_status> seen;
  const auto r = t.run(
      [&](const step_config& c, run_context& ctx) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        // What a reader of the store sees while the step runs.
        const auto stored = t.store().get_run(ctx.run_id());
        if (stored) seen = stored->status;
        return c.n;
      },
      consist::name{"slow"}, consist::config{step_config{4}});
  CHECK(r.value == 4);
  CHECK(seen == run_status::running);
  t.flush();
  CHECK(t.store().get_run(r.run.id)->status == run_status::completed);
}
