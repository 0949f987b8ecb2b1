// run_store: sharing, begin/commit, the signature index, queries over the
// indexes, group commit, meta checks, read-only use, and outside tools.
#include "store_fixtures.hpp"

#include <consist/store/group_commit.hpp>
#include <consist/store/record_codec.hpp>
#include <consist/store/store.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

using namespace consist;
using fixtures::at;

namespace {

std::shared_ptr<run_store> open_store(const std::filesystem::path& p, std::size_t capacity = 4096,
                                      bool read_only = false) {
  store_options o;
  o.path = p;
  o.initial_map_size = 64 << 10;
  o.hit_queue_capacity = capacity;
  o.read_only = read_only;
  return run_store::open(o);
}

run_record minimal(const std::string& id, const std::string& model, std::int64_t created, run_status s) {
  run_record r;
  r.id = id;
  r.model_name = model;
  r.created_at = r.started_at = r.updated_at = at(created);
  r.status = s;
  return r;
}

std::vector<std::string> ids(const std::vector<run_record>& rs) {
  std::vector<std::string> out;
  for (const auto& r : rs) out.push_back(r.id);
  return out;
}

void commit_with_entry(run_store& s, const run_record& r, int i) {
  const auto e = fixtures::entry_for(r, i);
  s.commit_run(r, &e, {});
}

bool tool_missing(const char* path) { return !std::filesystem::exists(path); }

}  // namespace

TEST_CASE("open shares one instance per path and refuses conflicting options") {
  const auto dir = fixtures::scratch("store_share");
  auto a = open_store(dir);
  auto b = open_store(dir / "." );
  CHECK(a.get() == b.get());
  store_options other;
  other.path = dir;
  other.durability = durability::nosync;
  CHECK_THROWS_AS(run_store::open(other), usage_error);
  const auto uuid = a->namespace_uuid();
  CHECK(detail::parse_uuid(uuid).has_value());
  a.reset();
  b.reset();
  CHECK(open_store(dir)->namespace_uuid() == uuid);  // drawn once, kept across opens
}

TEST_CASE("begin_run leaves a running record; commit_run completes it with its cache entry") {
  const auto dir = fixtures::scratch("store_commit");
  auto s = open_store(dir);
  auto r = fixtures::full_record("run_1", 1);
  const auto art_out = fixtures::full_artifact("art-out-1", "run_1");
  const auto art_in = fixtures::full_artifact("art-in-1");
  r.status = run_status::running;
  s->begin_run(r);
  CHECK(s->get_run("run_1")->status == run_status::running);
  CHECK_FALSE(s->find_cached(fixtures::signature_of(1)));
  CHECK_THROWS_AS(s->begin_run(fixtures::full_record("run_x", 1)), usage_error);  // not running

  r.status = run_status::completed;
  const auto e = fixtures::entry_for(r, 1);
  const artifact arts[] = {art_in, art_out};
  s->commit_run(r, &e, arts);
  CHECK(s->get_run("run_1") == r);
  CHECK(s->find_cached(fixtures::signature_of(1)) == e);
  CHECK(s->get_artifact("art-out-1") == art_out);
  CHECK_FALSE(s->get_artifact("nope"));
  CHECK(s->run_count() == 1);
  CHECK(s->links_of_run("run_1") == r.links);
  CHECK(s->links_of_artifact("art-in-1") ==
        std::vector<artifact_link>{{"run_1", "art-in-1", "skims", link_direction::input}});

  auto wrong = e;
  wrong.run_id = "someone_else";
  CHECK_THROWS_AS(s->commit_run(r, &wrong, {}), usage_error);
}

TEST_CASE("the signature index keeps the newest completed run, and drops a run that stops being completed") {
  const auto dir = fixtures::scratch("store_newest");
  auto s = open_store(dir);
  auto make = [&](const std::string& id, std::int64_t created) {
    auto r = fixtures::full_record(id, 7);
    r.created_at = at(created);
    auto e = fixtures::entry_for(r, 7);
    s->commit_run(r, &e, {});
    return e;
  };
  const auto b = make("run_b", 2000);
  CHECK(s->find_cached(fixtures::signature_of(7)) == b);
  make("run_a", 1000);  // older, committed later: does not replace
  CHECK(s->find_cached(fixtures::signature_of(7))->run_id == "run_b");
  const auto c = make("run_c", 3000);
  CHECK(s->find_cached(fixtures::signature_of(7)) == c);
  auto failed = fixtures::full_record("run_c", 7);
  failed.created_at = at(3000);
  failed.status = run_status::failed;
  s->commit_run(failed, nullptr, {});
  CHECK_FALSE(s->find_cached(fixtures::signature_of(7)));
  auto unrelated = failed;
  unrelated.id = "run_d";
  unrelated.links.clear();
  s->commit_run(unrelated, nullptr, {});  // failed runs never touch another run's entry
  make("run_e", 500);
  CHECK(s->find_cached(fixtures::signature_of(7))->run_id == "run_e");
}

TEST_CASE("find_runs filters by every field, newest first, through the indexes") {
  const auto dir = fixtures::scratch("store_find");
  auto s = open_store(dir);
  std::mt19937 rng(42);
  std::vector<run_record> all;
  for (int i = 0; i < 60; ++i) {
    auto r = minimal("r" + std::to_string(i), "m" + std::to_string(i % 3), static_cast<std::int64_t>(rng() % 40) * 1000,
                     static_cast<run_status>(i % 3));
    if (i % 4) r.parent_run_id = "p" + std::to_string(i % 4);
    r.tags = {"t" + std::to_string(i % 5)};
    if (i % 2) r.tags.push_back("odd");
    if (i % 6) r.year = 2020 + i % 2;
    r.iteration = i % 3;
    s->commit_run(r, nullptr, {});
    all.push_back(r);
  }
  auto brute = [&](const run_query& q) {
    std::vector<run_record> out;
    for (const auto& r : all)
      if ((!q.model || r.model_name == *q.model) && (!q.parent || r.parent_run_id == *q.parent) &&
          (!q.status || r.status == *q.status) && (!q.year || r.year == q.year) &&
          (!q.iteration || r.iteration == q.iteration) &&
          (!q.tag || std::count(r.tags.begin(), r.tags.end(), *q.tag)))
        out.push_back(r);
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
      return a.created_at != b.created_at ? a.created_at > b.created_at : a.id > b.id;
    });
    if (q.limit && out.size() > q.limit) out.resize(q.limit);
    return out;
  };
  int checked = 0;
  for (int m = -1; m < 4; ++m)
    for (int t = -1; t < 2; ++t)
      for (int p = -1; p < 2; ++p)
        for (int st = -1; st < 3; ++st)
          for (std::size_t limit : {0, 1, 3}) {
            run_query q;
            if (m >= 0) q.model = "m" + std::to_string(m);  // m3 exists in no run
            if (t == 0) q.tag = "odd";
            if (t == 1) q.tag = "t2";
            if (p >= 0) q.parent = "p" + std::to_string(p + 1);
            if (st >= 0) q.status = static_cast<run_status>(st);
            if (m == 1 && p == 0) q.year = 2021;
            if (m == 2 && t == -1) q.iteration = 2;
            q.limit = limit;
            const auto got = s->find_runs(q);
            CHECK_MESSAGE(ids(got) == ids(brute(q)), "query #" << checked);
            ++checked;
          }
  CHECK(s->find_runs({}).size() == 60);
  const auto latest = s->find_latest_run("m1", run_status::completed);
  REQUIRE(latest);
  run_query q;
  q.model = "m1";
  q.status = run_status::completed;
  CHECK(latest->id == brute(q).front().id);
  CHECK_FALSE(s->find_latest_run("m9", run_status::completed));
}

TEST_CASE("a newer version of a record replaces its index entries") {
  const auto dir = fixtures::scratch("store_reindex");
  auto s = open_store(dir);
  auto r = minimal("run", "old_model", 100, run_status::running);
  r.tags = {"a"};
  r.parent_run_id = "p1";
  r.links = {{"run", "art1", "in", link_direction::input}};
  s->begin_run(r);
  r.status = run_status::completed;
  r.tags = {"b"};
  r.parent_run_id = "p2";
  r.model_name = "new_model";
  r.created_at = at(200);
  r.links = {{"run", "art2", "in", link_direction::input}};
  s->commit_run(r, nullptr, {});
  run_query q;
  q.tag = "a";
  CHECK(s->find_runs(q).empty());
  q.tag = "b";
  CHECK(s->find_runs(q).size() == 1);
  q = {};
  q.parent = "p1";
  CHECK(s->find_runs(q).empty());
  q.parent = "p2";
  CHECK(s->find_runs(q).size() == 1);
  CHECK_FALSE(s->find_latest_run("old_model", run_status::running));
  CHECK(s->find_latest_run("new_model", run_status::completed)->id == "run");
  CHECK(s->links_of_artifact("art1").empty());
  CHECK(s->links_of_run("run").size() == 1);
}

TEST_CASE("names that cannot be keys are refused before anything is written") {
  const auto dir = fixtures::scratch("store_names");
  auto s = open_store(dir);
  auto r = minimal("ok", "m", 1, run_status::completed);
  r.tags = {std::string("bad\0tag", 7)};
  CHECK_THROWS_WITH_AS(s->commit_run(r, nullptr, {}), doctest::Contains("NUL"), usage_error);
  r.tags = {std::string(251, 't')};
  CHECK_THROWS_AS(s->commit_run(r, nullptr, {}), usage_error);
  r.tags = {};
  for (const char* id : {"a/b", "..", ".", ""}) {
    r.id = id;
    CHECK_THROWS_AS(s->commit_run(r, nullptr, {}), usage_error);
  }
  r.id = "ok";
  r.model_name = std::string("m\0", 2);
  CHECK_THROWS_AS(s->enqueue(r), usage_error);
  CHECK_THROWS_AS(s->count_hit(std::string("x\0", 2), at(1)), usage_error);
  CHECK(s->run_count() == 0);
}

TEST_CASE("group commit: flush makes enqueued records and hit counts visible, in order") {
  const auto dir = fixtures::scratch("store_group");
  auto s = open_store(dir, 8);  // a small queue: producers wait for the writer
  std::vector<std::thread> producers;
  for (int p = 0; p < 4; ++p)
    producers.emplace_back([&, p] {
      for (int i = 0; i < 200; ++i) {
        auto r = minimal("hit_" + std::to_string(p) + "_" + std::to_string(i), "m", i, run_status::completed);
        s->enqueue(r);
        s->count_hit("producer", at(p * 1000 + i));
      }
    });
  for (auto& t : producers) t.join();
  s->flush();
  CHECK(s->run_count() == 800);
  const auto counter = s->hit_counter("producer");
  REQUIRE(counter);
  CHECK(counter->first == 800);
  CHECK(counter->second == at(3199));
  CHECK_FALSE(s->hit_counter("never"));
  // Later enqueues of one id win.
  for (int v = 0; v < 50; ++v) {
    auto r = minimal("same", "m", 1, run_status::completed);
    r.description = std::to_string(v);
    s->enqueue(r);
  }
  s->flush();
  CHECK(s->get_run("same")->description == "49");
}

TEST_CASE("group commit: concurrent producers lose nothing and keep their order, in batches of at most max_batch") {
  using item = std::pair<int, int>;  // (producer, sequence number)
  constexpr int producers_n = 4, per_producer = 3000;
  constexpr std::size_t capacity = 64, max_batch = 7;  // a queue longer than a batch: taken in slices
  std::vector<item> written;  // touched by the writer thread only, until flush returns
  std::size_t batches = 0, largest = 0, slowed = 0;
  detail::group_commit<item> q(
      capacity, max_batch,
      [&](std::vector<item>& batch) {
        ++batches;
        largest = std::max(largest, batch.size());
        written.insert(written.end(), batch.begin(), batch.end());
        // A slow writer now and then, so the queue fills up behind it.
        if (++slowed % 50 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(3));
      },
      [] {});
  std::vector<std::thread> producers;
  for (int p = 0; p < producers_n; ++p)
    producers.emplace_back([&q, p] {
      for (int i = 0; i < per_producer; ++i) {
        if (i % 2 == 0) q.push(item{p, i});
        else q.emplace(p, i);
      }
    });
  for (auto& t : producers) t.join();
  q.flush();
  CHECK(q.queued() == 0);
  REQUIRE(written.size() == std::size_t{producers_n} * per_producer);
  CHECK(largest <= max_batch);
  CHECK(largest == max_batch);  // the producers outran the writer at least once
  CHECK(batches < written.size());
  // Each producer's items come out exactly once, in the order it queued them.
  std::vector<int> next(producers_n, 0);
  for (const auto& [p, i] : written) {
    REQUIRE(p >= 0);
    REQUIRE(p < producers_n);
    CHECK(i == next[static_cast<std::size_t>(p)]);
    next[static_cast<std::size_t>(p)] = i + 1;
  }
  for (const int n : next) CHECK(n == per_producer);

  // One producer: the writer sees exactly the pushed sequence, also after the
  // queue drained (its buffers are reused).
  written.clear();
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 500; ++i) q.push(item{9, round * 500 + i});
    q.flush();
  }
  REQUIRE(written.size() == 1500);
  for (std::size_t i = 0; i < written.size(); ++i) CHECK(written[i] == item{9, static_cast<int>(i)});
}

TEST_CASE("group commit: a stager prepares items while the writer lingers; what it throws on is written as pushed") {
  constexpr int total = 2000;
  constexpr std::size_t max_batch = 300;
  std::vector<int> written;  // touched by the writer thread only, until flush returns
  std::size_t largest = 0;
  detail::group_commit<int> q(
      4096, max_batch,
      [&](std::vector<int>& batch) {
        largest = std::max(largest, batch.size());
        written.insert(written.end(), batch.begin(), batch.end());
      },
      [] {}, std::chrono::milliseconds(200),
      [](int& i) {
        if (i % 10 == 0) throw std::runtime_error("not this one");
        i = -i;  // staged
      });
  for (int i = 1; i <= total; ++i) {
    q.push(int{i});
    // A producer with pauses, so the writer lingers with items to stage.
    if (i % 50 == 0) std::this_thread::sleep_for(std::chrono::microseconds(300));
  }
  q.flush();
  REQUIRE(written.size() == std::size_t{total});
  std::size_t staged = 0;
  for (int i = 1; i <= total; ++i) {
    const int w = written[static_cast<std::size_t>(i - 1)];
    CHECK(std::abs(w) == i);             // each once, in the order pushed
    if (i % 10 == 0) CHECK(w == i);      // the stager threw: as pushed
    if (w < 0) ++staged;
  }
  CHECK(staged > 0);
  CHECK(largest <= max_batch);
}

TEST_CASE("group commit: hit records the writer staged while lingering are stored whole") {
  const auto dir = fixtures::scratch("store_staged");
  auto s = open_store(dir, 4096);
  std::vector<run_record> given;
  for (int i = 0; i < 600; ++i) {
    auto r = minimal("staged_" + std::to_string(i), "m", i, run_status::completed);
    r.description = "record " + std::to_string(i);
    r.tags = {"t" + std::to_string(i % 7)};
    r.meta["i"] = i;
    r.cache_hit = true;
    r.cache_source = "producer";
    s->enqueue(r);  // by reference: queued packed, the form the writer stages
    given.push_back(std::move(r));
    if (i % 40 == 0) std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
  s->flush();
  CHECK(s->run_count() == given.size());
  for (const auto& r : given) {
    const auto stored = s->get_run(r.id);
    REQUIRE(stored);
    CHECK(record_to_text(*stored) == record_to_text(r));
  }
}

TEST_CASE("group commit: a hit record whose id names another run is stored whole under a new id") {
  const auto dir = fixtures::scratch("store_hit_redraw");
  auto s = open_store(dir);
  auto other = minimal("step_0000abcd", "m", 1, run_status::completed);
  other.pid = 1;
  s->commit_run(other, nullptr, {});
  // Queued packed (by reference), written at once by a flush, then again
  // prepared by the writer while it lingers (the flush comes later).
  for (const bool staged : {false, true}) {
    auto r = minimal("step_0000abcd", "m", 2, run_status::completed);
    r.pid = 2;  // another process's run under the same id
    r.description = staged ? "staged" : "written at once";
    r.tags = {"hit"};
    r.meta["cache_hit"] = true;
    r.cache_hit = true;
    r.cache_source = "producer";
    s->enqueue(r);
    if (staged) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    s->flush();
    CHECK(*s->get_run(other.id) == other);
    run_query hits;
    hits.tag = "hit";
    const auto found = s->find_runs(hits);
    const auto mine = std::find_if(found.begin(), found.end(), [&](const auto& x) { return x.description == r.description; });
    REQUIRE(mine != found.end());
    CHECK(mine->id != r.id);
    CHECK(mine->id.starts_with("step_"));
    r.id = mine->id;
    CHECK(record_to_text(*mine) == record_to_text(r));
  }
  CHECK(s->run_count() == 3);
}

TEST_CASE("group commit: a flush returns after the sync its batch asked for") {
  // The store's writer commits running records without a sync and asks for
  // one: a flush must not return before it.
  std::atomic<int> asked{0}, synced{0};
  detail::group_commit<int>* queue = nullptr;
  detail::group_commit<int> q(
      16, 4,
      [&](std::vector<int>&) {
        ++asked;
        queue->request_sync();
      },
      [&] { synced = asked.load(); });
  queue = &q;
  for (int round = 1; round <= 3; ++round) {
    q.emplace(round);
    q.flush();
    CHECK(synced == asked);
  }
  CHECK(asked == 3);
}

TEST_CASE("a background write error is rethrown by the next flush, once") {
  const auto dir = fixtures::scratch("store_group_error");
  auto s = open_store(dir);
  // Plant a damaged record: rewriting it makes the writer fail to read the old version.
  const_cast<lmdb::env&>(s->environment()).write([](lmdb::txn& t) {
    t.put(*t.open_dbi(layout::db::runs, false), "damaged", "{not json");
  });
  s->enqueue(minimal("fine_1", "m", 1, run_status::completed));
  s->enqueue(minimal("damaged", "m", 2, run_status::completed));
  CHECK_THROWS_WITH_AS(s->flush(), doctest::Contains("background writer could not commit"), store_error);
  s->flush();  // reported once
  s->enqueue(minimal("fine_2", "m", 3, run_status::completed));
  s->flush();
  CHECK(s->get_run("fine_2"));
}

TEST_CASE("records shared from the store's recent records are never stale") {
  const auto dir = fixtures::scratch("store_recent");
  auto s = open_store(dir);
  auto r = minimal("run_1", "m", 1, run_status::completed);
  r.description = "first";
  s->commit_run(r, nullptr, {});
  const auto a = s->get_shared("run_1");
  REQUIRE(a);
  CHECK(a->description == "first");
  CHECK(s->get_shared("run_1") == a);  // served from the recent records, not parsed again
  run_query q;
  q.model = "m";
  REQUIRE(s->find_shared(q).size() == 1);
  CHECK(s->find_shared(q).front() == a);

  // Another writer (another process, say) changes the stored text under the same id.
  auto changed = r;
  changed.description = "changed elsewhere";
  const_cast<lmdb::env&>(s->environment()).write([&](lmdb::txn& t) {
    t.put(*t.open_dbi(layout::db::runs, false), "run_1", record_to_text(changed));
  });
  CHECK(s->get_shared("run_1")->description == "changed elsewhere");
  CHECK(s->find_shared(q).front()->description == "changed elsewhere");
  CHECK(s->get_run("run_1")->description == "changed elsewhere");
  CHECK(s->find_runs(q).front().description == "changed elsewhere");
}

TEST_CASE("commit_run compares with the record stored now, not with the one it began") {
  const auto dir = fixtures::scratch("store_recent_commit");
  auto s = open_store(dir);
  auto r = minimal("run_1", "m", 1, run_status::running);
  r.pid = 100;
  r.host = "node_a";
  s->begin_run(r);
  // Another run under the same id replaced the running record meanwhile.
  auto other = r;
  other.pid = 200;
  const_cast<lmdb::env&>(s->environment()).write([&](lmdb::txn& t) {
    t.put(*t.open_dbi(layout::db::runs, false), "run_1", record_to_text(other));
  });
  r.status = run_status::completed;
  CHECK_THROWS_WITH_AS(s->commit_run(r, nullptr, {}), doctest::Contains("already names another run"), usage_error);
  CHECK(s->get_run("run_1")->pid == 200);
}

TEST_CASE("read-only stores answer queries and refuse writes") {
  const auto dir = fixtures::scratch("store_ro");
  commit_with_entry(*open_store(dir), fixtures::full_record("run_1", 1), 1);
  auto ro = open_store(dir, 4096, true);
  CHECK(ro->get_run("run_1"));
  CHECK(ro->find_cached(fixtures::signature_of(1)));
  CHECK_THROWS_WITH_AS(ro->commit_run(fixtures::full_record("run_2", 2), nullptr, {}),
                       doctest::Contains("opened read-only"), store_error);
  CHECK_THROWS_AS(ro->enqueue(fixtures::full_record("run_2", 2)), store_error);
  CHECK_THROWS_AS(ro->begin_run(minimal("run_3", "m", 1, run_status::running)), store_error);
  ro->flush();
}

TEST_CASE("a store written by a newer consist, or a foreign environment, is refused") {
  const auto newer = fixtures::scratch("store_newer");
  {
    auto s = open_store(newer);
    const_cast<lmdb::env&>(s->environment()).write([](lmdb::txn& t) {
      t.put(*t.open_dbi(layout::db::meta, false), "format_version", "99");
    });
  }
  CHECK_THROWS_WITH_AS(open_store(newer), doctest::Contains("written by a newer consist"), integrity_error);
  const auto foreign = fixtures::scratch("store_foreign");
  {
    lmdb::env_options o;
    auto env = lmdb::env::open(foreign, o);
    env.write([](lmdb::txn& t) { t.put(t.main_db(), "somebody_elses_key", "x"); });
  }
  CHECK_THROWS_WITH_AS(open_store(foreign), doctest::Contains("not a consist store"), integrity_error);
}

TEST_CASE("threads commit and read concurrently while the map grows; the store can be closed and reopened") {
  const auto dir = fixtures::scratch("store_threads");
  auto s = open_store(dir);
  commit_with_entry(*s, fixtures::full_record("seed", 0), 0);
  std::atomic<bool> stop{false};
  std::atomic<long> misses{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r)
    readers.emplace_back([&] {
      while (!stop)
        if (!s->find_cached(fixtures::signature_of(0))) ++misses;
    });
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w)
    writers.emplace_back([&, w] {
      for (int i = 0; i < 50; ++i) {
        auto r = fixtures::full_record("w" + std::to_string(w) + "_" + std::to_string(i), 1000 + w * 100 + i);
        r.config = boost::json::value(std::string(2000, 'c'));
        commit_with_entry(*s, r, 1000 + w * 100 + i);
      }
    });
  for (auto& t : writers) t.join();
  stop = true;
  for (auto& t : readers) t.join();
  CHECK(misses == 0);
  CHECK(s->run_count() == 201);
  CHECK(s->environment().map_size() > 64 << 10);
  s.reset();  // closes: the reader threads' cached transactions are released first
  CHECK(open_store(dir)->run_count() == 201);
}

TEST_CASE("mdb_stat lists the named databases" * doctest::skip(tool_missing("/usr/bin/mdb_stat"))) {
  const auto dir = fixtures::scratch("store_mdb_stat");
  open_store(dir)->commit_run(fixtures::full_record("run_1", 1), nullptr, {});
  const auto [out, status] = fixtures::run_command("/usr/bin/mdb_stat -a " + dir.string() + " 2>&1");
  CHECK(status == 0);
  for (const char* db : layout::all_databases) CHECK_MESSAGE(out.find(std::string("Status of ") + db) != std::string::npos, db);
}

TEST_CASE("Python's lmdb module opens the store and counts the runs" *
          doctest::skip(fixtures::run_command("/usr/bin/python3 -c 'import lmdb' 2>/dev/null").second != 0)) {
  const auto dir = fixtures::scratch("store_python");
  auto s = open_store(dir);
  for (int i = 0; i < 5; ++i) s->commit_run(fixtures::full_record("run_" + std::to_string(i), i), nullptr, {});
  const auto [out, status] = fixtures::run_command(
      "/usr/bin/python3 -c \"import lmdb, json, sys; e = lmdb.open(sys.argv[1], readonly=True, max_dbs=16); "
      "d = e.open_db(b'runs', create=False); t = e.begin(db=d); "
      "print(t.stat(d)['entries'], json.loads(t.get(b'run_3'))['status'])\" " +
      dir.string() + " 2>&1");
  CHECK(status == 0);
  CHECK(out == "5 completed\n");
}
