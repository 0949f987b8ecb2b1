// Snapshots: exact round trips, atomic replacement, permissions, strict
// reading, and a store rebuilt from them that answers like the original.
// The text written directly is byte for byte what Boost.JSON serializes for
// the document built from record_to_json, the cache entry and the artifacts.
#include "random_record.hpp"
#include "store_fixtures.hpp"

#include <consist/detail/base64.hpp>
#include <consist/detail/hex.hpp>
#include <consist/detail/json_fields.hpp>
#include <consist/store/record_codec.hpp>
#include <consist/store/snapshot.hpp>

#include <boost/json/serialize.hpp>
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <atomic>
#include <fstream>
#include <iterator>
#include <random>
#include <span>
#include <string>
#include <thread>
#include <vector>

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

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

/// The snapshot as a boost::json document, serialized: the record's object,
/// then "cache" and "artifacts" set with operator[].
std::string via_dom(const run_record& r, const cache_entry* e, std::span<const artifact> arts) {
  boost::json::object doc = record_to_json(r);
  boost::json::value cache = nullptr;
  if (e && r.status == run_status::completed) {
    boost::json::object outputs;
    for (const auto& [key, id] : e->outputs) outputs[key] = id;
    cache = boost::json::object{{"signature", detail::hex_encode(e->signature)},
                                {"created_at", detail::format_timestamp(e->created_at)},
                                {"value_base64", detail::to_base64(e->value)},
                                {"outputs", std::move(outputs)}};
  }
  doc["cache"] = std::move(cache);
  boost::json::array a;
  for (const auto& x : arts) a.emplace_back(artifact_to_json(x));
  doc["artifacts"] = std::move(a);
  return boost::json::serialize(doc) + "\n";
}

/// Checks the direct text against via_dom, and the written file against the
/// direct text (the id must be a valid file name for the second).
void check_same_text(const run_record& r, const cache_entry* e, std::span<const artifact> arts,
                     const std::filesystem::path* dir = nullptr) {
  const auto text = snapshot_to_text(r, e, arts);
  CHECK(text == via_dom(r, e, arts));
  if (dir) {
    write_snapshot(*dir, r, e, arts);
    CHECK(read_file(snapshot_path(*dir, r.id)) == text);
  }
}

std::vector<std::uint8_t> random_bytes(std::mt19937_64& g, std::size_t max) {
  std::vector<std::uint8_t> v(g() % (max + 1));
  for (auto& b : v) b = static_cast<std::uint8_t>(g());
  return v;
}

cache_entry random_entry(std::mt19937_64& g, const run_record& r) {
  cache_entry e;
  e.run_id = r.id;
  for (auto& b : e.signature) b = static_cast<std::uint8_t>(g());
  e.created_at = at(static_cast<std::int64_t>(g()));
  e.value = random_bytes(g, 40);  // every length mod 3: every base64 padding
  e.outputs = consist_test::random_pairs(g, 12);
  if (!e.outputs.empty() && g() % 3 == 0) e.outputs.push_back({e.outputs.front().first, "repeated"});
  return e;
}

artifact random_artifact(std::mt19937_64& g) {
  using consist_test::random_text;
  artifact a;
  a.id = random_text(g);
  a.key = random_text(g);
  a.location = random_text(g, 60);
  a.driver = random_text(g, 6);
  a.fingerprint = random_text(g);
  a.fingerprint_strategy = random_text(g, 8);
  a.size = g();
  a.is_directory = g() % 2 == 0;
  a.producing_run_id = random_text(g);
  a.producing_signature = random_text(g);
  a.created_at = at(static_cast<std::int64_t>(g()));
  return a;
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

TEST_CASE("a snapshot's text is Boost.JSON's for the record, the cache entry and 0, 1 or several artifacts") {
  const auto dir = fixtures::scratch("snap_text");
  auto r = fixtures::full_record("run_1", 1);
  r.cache_hit = false;  // a miss: the run executed and left a cache entry
  r.cache_source.clear();
  const auto e = fixtures::entry_for(r, 1);
  const std::vector<artifact> several = {fixtures::full_artifact("art-out-1", "run_1"),
                                         fixtures::full_artifact("art-out-2", "run_1"),
                                         fixtures::full_artifact("art-in-1")};
  for (std::size_t n = 0; n <= several.size(); ++n) {
    CAPTURE(n);
    check_same_text(r, &e, std::span(several).first(n), &dir);
  }
  // The record's members come first, then exactly these two.
  CHECK_FALSE(record_to_json(r).contains("cache"));
  CHECK_FALSE(record_to_json(r).contains("artifacts"));
  const auto text = snapshot_to_text(r, &e, several);
  CHECK(text.ends_with("}]}\n"));
  CHECK(text.find(R"(,"cache":{"signature":")") != std::string::npos);
  CHECK(text.find(R"("outputs":{"result":"art-out-1"}},"artifacts":[{"id":"art-out-1")") != std::string::npos);
  CHECK(text.find(R"(},{"id":"art-out-2")") != std::string::npos);
  CHECK(snapshot_to_text(r) == via_dom(r, nullptr, {}));
  CHECK(snapshot_to_text(r).ends_with(R"(,"cache":null,"artifacts":[]})" "\n"));
  // And it reads back as what was written.
  const auto s = snapshot_from_text(text, "test");
  CHECK(s.record == r);
  CHECK(s.cache == e);
  CHECK(s.artifacts == several);
}

TEST_CASE("a failed or unfinished run's snapshot has a null cache, as Boost.JSON writes it") {
  const auto dir = fixtures::scratch("snap_text_failed");
  auto r = fixtures::full_record("run_2", 2);
  const auto e = fixtures::entry_for(r, 2);
  const artifact arts[] = {fixtures::full_artifact("art-out-2", "run_2")};
  r.error = "std::runtime_error: the solver diverged\n\tat step 3";
  for (const auto status : {run_status::failed, run_status::running}) {
    r.status = status;
    check_same_text(r, &e, arts, &dir);       // an entry given, yet not written
    check_same_text(r, nullptr, arts, &dir);  // no entry at all
    CHECK(snapshot_to_text(r, &e, arts).find(R"("cache":null,"artifacts":[{)") != std::string::npos);
  }
  r.status = run_status::completed;
  check_same_text(r, nullptr, {}, &dir);
}

TEST_CASE("a snapshot with every byte value in ids, meta, tags, artifacts and outputs equals Boost.JSON's") {
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  auto r = fixtures::full_record(all, 3);
  r.parent_run_id = all;
  r.model_name = all;
  r.tags = {all, "plain", all.substr(0, 32)};
  r.meta[all] = all;
  r.meta["nested"] = boost::json::object{{all, boost::json::array{all, 1, -2.5}}};
  r.cache_source = all;
  r.links.push_back({all, all, all, link_direction::output});
  auto e = fixtures::entry_for(r, 3);
  e.outputs = {{all, all}, {"result", "x"}, {all, "last"}};  // a repeated name: once, with its last value
  auto a = fixtures::full_artifact(all, all);
  a.key = a.location = a.driver = a.fingerprint = a.fingerprint_strategy = a.producing_signature = all;
  const artifact arts[] = {a, fixtures::full_artifact("plain"), a};
  check_same_text(r, &e, arts);
  CHECK(snapshot_to_text(r, &e, arts).find("\\u0001") != std::string::npos);
  for (std::size_t n = 0; n <= std::size(arts); ++n) check_same_text(r, &e, std::span(arts).first(n));
  r.status = run_status::failed;
  check_same_text(r, &e, arts);
}

TEST_CASE("random records, cache entries and artifacts: the snapshot text equals Boost.JSON's") {
  const auto dir = fixtures::scratch("snap_text_random");
  std::mt19937_64 g(20261201);
  int differ = 0;
  for (int i = 0; i < 1500 && differ == 0; ++i) {
    const auto id = "run_" + std::to_string(g() % 1000);
    const auto r = consist_test::randomize_record(g, fixtures::full_record(id, static_cast<int>(g() % 50)));
    CHECK_FALSE(record_to_json(r).contains("cache"));
    CHECK_FALSE(record_to_json(r).contains("artifacts"));
    const auto e = random_entry(g, r);
    std::vector<artifact> arts;
    for (std::size_t k = g() % 5; k > 0; --k) arts.push_back(random_artifact(g));
    const cache_entry* entry = g() % 4 == 0 ? nullptr : &e;
    const auto direct = snapshot_to_text(r, entry, arts), dom = via_dom(r, entry, arts);
    if (direct != dom) {
      ++differ;
      FAIL_CHECK("snapshot " << i << " differs:\n  direct: " << direct << "\n  boost:  " << dom);
    }
    // Through the file too, now and then, under a valid name.
    if (i % 100 == 0) {
      auto named = r;
      named.id = "run_" + std::to_string(i);
      check_same_text(named, entry, arts, &dir);
    }
  }
  CHECK(differ == 0);
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

TEST_CASE("a rebuild that meets a bad snapshot names it and writes nothing, so that it can be run again") {
  const auto run_dir = fixtures::scratch("snap_rebuild_bad_runs");
  for (int i = 0; i < 300; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "run_%03d", i);
    write_snapshot(run_dir, fixtures::full_record(id, i));
  }
  const auto bad = run_dir / "runs" / "run_280.json";  // after a first batch of 256 runs
  const std::string good = read_file(bad);
  write_file(bad, good.substr(0, 100));
  auto rebuilt = open_store(fixtures::scratch("snap_rebuild_bad"));
  CHECK_THROWS_WITH_AS(rebuild_store_from_snapshots(*rebuilt, run_dir), doctest::Contains(bad.c_str()),
                       integrity_error);
  CHECK(rebuilt->run_count() == 0);
  write_file(bad, good);
  CHECK(rebuild_store_from_snapshots(*rebuilt, run_dir) == 300);
  CHECK(rebuilt->run_count() == 300);
}
