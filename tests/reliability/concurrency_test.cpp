// Many processes and threads on one store: every record present with a
// unique id, the indexes consistent, a concurrent reader sees only complete
// records, and one signature run by two processes at once leaves both runs.
#include "processes.hpp"

#include <consist/store/store.hpp>

#include <doctest/doctest.h>
#include <scratch.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

namespace {

constexpr int processes = 8, threads = 4, runs_per_thread = 250;

consist::signature_digest digest_of(const consist::run_record& r) {
  consist::signature_digest d{};
  REQUIRE(consist::detail::hex_decode_into(r.signature, d));
  return d;
}

consist::run_record running_record(const std::string& id, std::int64_t started_ns, std::int64_t pid) {
  consist::run_record r;
  r.id = id;
  r.model_name = "m";
  r.status = consist::run_status::running;
  r.started_at = r.created_at = r.updated_at = consist::timestamp(std::chrono::nanoseconds(started_ns));
  r.pid = pid;
  r.host = "h";
  return r;
}

}  // namespace

TEST_CASE("8 processes x 4 threads x 250 runs on one store, with a reader scanning throughout") {
  const auto dir = consist_test::scratch_dir("concurrency");
  const auto store_dir = dir / "store", stop = dir / "stop", result = dir / "scanner.txt";
  consist::run_store::open(consist::store_options{.path = store_dir});  // created before the reader opens it
  const auto started = std::chrono::steady_clock::now();
  const pid_t reader = reliability::spawn(reliability::program("store_scanner"),
                                          {store_dir.string(), stop.string(), result.string()});
  std::vector<pid_t> writers;
  for (int p = 0; p < processes; ++p)
    writers.push_back(reliability::spawn(reliability::program("concurrent_writer"),
                                         {store_dir.string(), dir.string(), std::to_string(p),
                                          std::to_string(runs_per_thread), std::to_string(threads)}));
  for (const pid_t w : writers) CHECK(reliability::wait_for(w) == 0);
  const double write_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::ofstream(stop) << "stop\n";
  CHECK(reliability::wait_for(reader) == 0);

  auto store = consist::run_store::open(consist::store_options{.path = store_dir});
  const auto all = store->find_runs({});
  const std::size_t expected = std::size_t{processes} * threads * runs_per_thread;
  CHECK(all.size() == expected);
  CHECK(store->run_count() == expected);
  std::set<std::string> ids, signatures;
  for (const auto& r : all) {
    ids.insert(r.id);
    signatures.insert(r.signature);
    CHECK(r.status == consist::run_status::completed);
    const auto entry = store->find_cached(digest_of(r));
    REQUIRE(entry);
    CHECK(entry->run_id == r.id);  // each signature was run once
  }
  CHECK(ids.size() == expected);
  CHECK(signatures.size() == expected);
  for (int p = 0; p < processes; ++p) {
    consist::run_query q;
    q.model = "w" + std::to_string(p);
    CHECK(store->find_runs(q).size() == std::size_t{threads} * runs_per_thread);
  }
  std::string scans;
  std::getline(std::ifstream(result), scans);
  std::printf("concurrency: %zu records from %d processes x %d threads in %.1f s; reader: %s\n", all.size(),
              processes, threads, write_seconds, scans.c_str());
  std::istringstream in(scans);
  std::string word;
  std::size_t count = 0;
  in >> word >> count;
  CHECK(count >= 2);  // the reader scanned while the writers wrote
}

TEST_CASE("one signature run by two processes at once: both complete, the newest is the cached one") {
  const auto dir = consist_test::scratch_dir("same_signature");
  const auto store_dir = dir / "store";
  std::vector<pid_t> both;
  for (int p = 0; p < 2; ++p)
    both.push_back(reliability::spawn(reliability::program("concurrent_writer"),
                                      {store_dir.string(), dir.string(), std::to_string(p), "1", "1", "same"}));
  for (const pid_t p : both) CHECK(reliability::wait_for(p) == 0);
  auto store = consist::run_store::open(consist::store_options{.path = store_dir});
  consist::run_query q;
  q.model = "same";
  const auto runs = store->find_runs(q);  // newest first
  REQUIRE(runs.size() == 2);
  CHECK(runs[0].id != runs[1].id);
  CHECK(runs[0].signature == runs[1].signature);
  for (const auto& r : runs) {
    CHECK(r.status == consist::run_status::completed);
    CHECK_FALSE(r.cache_hit);
  }
  const auto entry = store->find_cached(digest_of(runs[0]));
  REQUIRE(entry);
  CHECK(entry->run_id == runs[0].id);
}

TEST_CASE("a run id already in the store is never overwritten") {
  const auto dir = consist_test::scratch_dir("id_collision");
  auto store = consist::run_store::open(consist::store_options{.path = dir / "store"});
  const auto first = running_record("step_0000abcd", 1000, 1);
  store->begin_run(first);
  const auto other = running_record("step_0000abcd", 2000, 2);  // another process drew the same id
  CHECK_FALSE(store->try_begin_run(other));
  CHECK_THROWS_AS(store->begin_run(other), consist::usage_error);
  auto other_done = other;
  other_done.status = consist::run_status::completed;
  CHECK_THROWS_WITH_AS(store->commit_run(other_done, nullptr, {}), doctest::Contains("already names another run"),
                       consist::usage_error);
  CHECK(store->get_run(first.id)->pid == 1);
  CHECK(store->get_run(first.id)->status == consist::run_status::running);
  // The run that began commits over its own record.
  auto first_done = first;
  first_done.status = consist::run_status::completed;
  store->commit_run(first_done, nullptr, {});
  CHECK(store->get_run(first.id)->status == consist::run_status::completed);
  // A queued (cache-hit) record whose id is taken is stored under a new suffix.
  auto hit = other_done;
  store->enqueue(hit);
  store->flush();
  CHECK(store->run_count() == 2);
  CHECK(store->get_run(first.id)->pid == 1);
  consist::run_query q;
  q.model = "m";
  std::size_t moved = 0;
  for (const auto& r : store->find_runs(q))
    if (r.pid == 2) {
      ++moved;
      CHECK(r.id.rfind("step_", 0) == 0);
      CHECK(r.id.size() == first.id.size());
      CHECK(r.id != first.id);
    }
  CHECK(moved == 1);
}
