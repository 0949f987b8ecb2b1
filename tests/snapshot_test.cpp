// Snapshots: exact round trips, atomic replacement, permissions, strict
// reading, and a store rebuilt from them that answers like the original.
#include "store_fixtures.hpp"

#include <consist/store/snapshot.hpp>

#include <boost/json/serialize.hpp>
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <atomic>
#include <fstream>
#include <string>
#include <thread>

using namespace consist;
using fixtures::at;

namespace {

std::shared_ptr<run_store> open_store(const std::filesystem::path& p) {
  store_options o;
  o.path = p;
  o.durability = durability::nosync;
  return run_store::open(o);
}

void write_file(const std::filesystem::path& p, const std::string& text) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

}  // namespace

TEST_CASE("a snapshot holds the record, its cache entry and artifacts exactly") {
  const auto dir = fixtures::scratch("snap_roundtrip");
  const auto r = fixtures::full_record("run_1", 1);
  const auto e = fixtures::entry_for(r, 1);
  const artifact arts[] = {fixtures::full_artifact("art-out-1", "run_1")};
  write_snapshot(dir, r, &e, arts);
  const auto file = dir / "runs" / "run_1.json";
  REQUIRE(std::filesystem::exists(file));
  const auto s = read_snapshot_full(file);
  CHECK(s.record == r);
  CHECK(s.cache == e);
  CHECK(s.artifacts == std::vector<artifact>(std::begin(arts), std::end(arts)));
  CHECK(read_snapshot(file) == r);
  // A plain write (no entry) and a non-completed run carry no cache member.
  auto failed = r;
  failed.status = run_status::failed;
  write_snapshot(dir, failed, &e);
  CHECK_FALSE(read_snapshot_full(file).cache);
}

TEST_CASE("snapshots are replaced atomically and leave no temporary files") {
  const auto dir = fixtures::scratch("snap_atomic");
  auto small = fixtures::full_record("run_1", 1);
  auto big = small;
  big.config = boost::json::value(std::string(2 << 20, 'b'));
  write_snapshot(dir, small);
  std::atomic<bool> stop{false};
  std::atomic<int> reads{0}, torn{0};
  std::thread reader([&] {
    while (!stop) {
      try {
        const auto r = read_snapshot(dir / "runs" / "run_1.json");
        if (!(r == small) && !(r == big)) ++torn;
      } catch (const error&) {
        ++torn;
      }
      ++reads;
    }
  });
  for (int i = 0; i < 30; ++i) write_snapshot(dir, i % 2 ? small : big);
  stop = true;
  reader.join();
  CHECK(torn == 0);
  CHECK(reads > 0);
  int files = 0;
  for ([[maybe_unused]] const auto& f : std::filesystem::directory_iterator(dir / "runs")) ++files;
  CHECK(files == 1);
}

TEST_CASE("snapshot files are never world-writable, whatever the umask") {
  const auto dir = fixtures::scratch("snap_mode");
  const mode_t old = ::umask(0);
  write_snapshot(dir, fixtures::full_record("run_1", 1));
  ::umask(old);
  struct stat st {};
  REQUIRE(::stat((dir / "runs" / "run_1.json").c_str(), &st) == 0);
  CHECK((st.st_mode & S_IWOTH) == 0);
  REQUIRE(::stat((dir / "runs").c_str(), &st) == 0);
  CHECK((st.st_mode & S_IWOTH) == 0);
}

TEST_CASE("reading a bad snapshot names the file and the problem") {
  const auto dir = fixtures::scratch("snap_bad");
  const auto file = dir / "runs" / "bad.json";
  write_file(file, "{\"id\": \"bad\", ");
  CHECK_THROWS_WITH_AS(read_snapshot(file), doctest::Contains("bad.json is not valid JSON"), integrity_error);
  auto doc = record_to_json(fixtures::full_record("bad", 1));
  doc["cache"] = nullptr;
  doc["artifacts"] = boost::json::array{};
  doc["year"] = "2020";
  write_file(file, boost::json::serialize(doc));
  CHECK_THROWS_WITH_AS(read_snapshot(file), doctest::Contains("field 'year'"), integrity_error);
  doc["year"] = 2020;
  doc["cache"] = boost::json::object{{"signature", "zz"}};
  write_file(file, boost::json::serialize(doc));
  CHECK_THROWS_WITH_AS(read_snapshot(file), doctest::Contains("cache.signature"), integrity_error);
  doc.erase("cache");
  write_file(file, boost::json::serialize(doc));
  CHECK_THROWS_WITH_AS(read_snapshot(file), doctest::Contains("'cache' is missing"), integrity_error);
  CHECK_THROWS_AS(read_snapshot(dir / "runs" / "absent.json"), not_found_error);
  CHECK_THROWS_AS(write_snapshot(dir, fixtures::full_record("..", 1)), usage_error);
}

TEST_CASE("a store rebuilt from snapshots has the same records, indexes, artifacts and hits") {
  const auto run_dir = fixtures::scratch("snap_rebuild_runs");
  auto original = open_store(fixtures::scratch("snap_rebuild_a"));
  std::vector<run_record> records;
  for (int i = 0; i < 300; ++i) {
    auto r = fixtures::full_record("run_" + std::to_string(i), i);
    r.status = static_cast<run_status>(i % 3);
    const auto e = fixtures::entry_for(r, i);
    const artifact arts[] = {fixtures::full_artifact("art-out-" + std::to_string(i), r.id),
                             fixtures::full_artifact("art-in-" + std::to_string(i))};
    original->commit_run(r, &e, arts);
    write_snapshot(run_dir, r, &e, arts);
    records.push_back(r);
  }
  write_file(run_dir / "runs" / ".run_x.json.tmp.1.1", "{half a file");  // a crash's leftover: ignored
  auto rebuilt = open_store(fixtures::scratch("snap_rebuild_b"));
  CHECK(rebuild_store_from_snapshots(*rebuilt, run_dir) == 300);
  CHECK(rebuilt->run_count() == 300);
  for (int i = 0; i < 300; ++i) {
    const auto& r = records[static_cast<std::size_t>(i)];
    CHECK(rebuilt->get_run(r.id) == r);
    CHECK(rebuilt->find_cached(fixtures::signature_of(i)) == original->find_cached(fixtures::signature_of(i)));
    CHECK(rebuilt->links_of_run(r.id) == original->links_of_run(r.id));
    CHECK(rebuilt->get_artifact("art-out-" + std::to_string(i)) == original->get_artifact("art-out-" + std::to_string(i)));
  }
  for (const char* tag : {"tag_a", "tag_1"}) {
    run_query q;
    q.tag = tag;
    q.status = run_status::completed;
    CHECK(rebuilt->find_runs(q) == original->find_runs(q));
  }
  CHECK(rebuilt->find_latest_run("model_0", run_status::completed) ==
        original->find_latest_run("model_0", run_status::completed));
  // A snapshot whose name disagrees with its run stops the rebuild.
  std::filesystem::copy_file(run_dir / "runs" / "run_1.json", run_dir / "runs" / "renamed.json");
  CHECK_THROWS_WITH_AS(rebuild_store_from_snapshots(*rebuilt, run_dir), doctest::Contains("renamed.json"),
                       integrity_error);
}
