// run_record::span_ranks (an MPI run's spans over its ranks) through the
// record codec, snapshots, the store and `consist show`: it round-trips, it is
// written only when present so other records keep their exact form, records
// without it (older ones) still decode, and a damaged one is an
// integrity_error naming it.
#include "store_fixtures.hpp"

#include <cli_driver.hpp>

#include <consist/store/record_codec.hpp>
#include <consist/store/snapshot.hpp>
#include <consist/store/store.hpp>

#include <boost/json/serialize.hpp>
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

using namespace consist;

namespace {

doctest::Contains has(const std::string& s) { return doctest::Contains(doctest::String(s.c_str())); }

span_rank_stat rank_stat(const std::string& name, std::uint64_t scale) {
  span_rank_stat s;
  s.name = name;
  s.file = "solver.cpp";
  s.line = 120;
  s.timed = scale != 0;
  s.ranks = 4;
  s.entered = 3;
  s.count_min = 0;
  s.count_max = 40 * (scale + 1);
  s.count_sum = 90 * (scale + 1);
  s.total_ns_min = 0;
  s.total_ns_max = 18'000'000'000'000'000'000ULL;  // beyond int64: stays an unsigned integer
  s.total_ns_sum = 18'400'000'000'000'000'000ULL;
  s.slowest_rank = 2;
  return s;
}

run_record mpi_record(const std::string& id) {
  run_record r = fixtures::full_record(id, 3);
  r.span_ranks = {rank_stat("halo", 1), rank_stat("retries", 0)};
  return r;
}

}  // namespace

TEST_CASE("span_ranks round-trips through JSON and text, every field kept") {
  const run_record r = mpi_record("mpi_1");
  const auto j = record_to_json(r);
  REQUIRE(j.contains("span_ranks"));
  CHECK(j.at("span_ranks").as_array().size() == 2);
  CHECK(j.at("span_ranks").as_array()[0].at("total_ns_max").is_uint64());
  CHECK(record_from_json(j, "test") == r);
  CHECK(record_from_text(record_to_text(r), "test") == r);
  // Each field matters: change one and the decoded record differs.
  for (const auto& kv : j.at("span_ranks").as_array()[0].as_object()) {
    auto changed = j;
    auto& field = changed["span_ranks"].as_array()[0].as_object()[kv.key()];
    if (field.is_string()) field = std::string(field.as_string()) + "x";
    else if (field.is_bool()) field = !field.as_bool();
    else field = 7;
    CHECK_MESSAGE(record_from_json(changed, "test") != r, kv.key());
  }
}

TEST_CASE("a record without span_ranks keeps its exact form, and older records decode") {
  const run_record r = fixtures::full_record("plain", 2);
  CHECK(r.span_ranks.empty());
  const auto text = record_to_text(r);
  CHECK(text.find("span_ranks") == std::string::npos);
  CHECK(record_from_text(text, "test") == r);
  // A record written before the field existed decodes and encodes back to
  // the same text.
  std::ifstream in(std::filesystem::path(CONSIST_TEST_SOURCE_DIR) / "fuzz/corpus/record_codec/full_record.json",
                   std::ios::binary);
  std::string older((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!older.empty() && (older.back() == '\n' || older.back() == '\r')) older.pop_back();
  REQUIRE_FALSE(older.empty());
  const run_record decoded = record_from_text(older, "older record");
  CHECK(decoded.span_ranks.empty());
  CHECK(record_to_text(decoded) == older);
}

TEST_CASE("a damaged span_ranks is an integrity_error naming the field") {
  const auto good = record_to_json(mpi_record("mpi_2"));
  auto not_array = good;
  not_array["span_ranks"] = "many";
  CHECK_THROWS_WITH_AS(record_from_json(not_array, "src"), has("field 'span_ranks' must be an array"),
                       integrity_error);
  for (const auto& kv : good.at("span_ranks").as_array()[1].as_object()) {
    const std::string key(kv.key());
    auto missing = good;
    missing["span_ranks"].as_array()[1].as_object().erase(key);
    CHECK_THROWS_WITH_AS(record_from_json(missing, "src"), has("'span_ranks[1]." + key + "' is missing"),
                         integrity_error);
    auto wrong = good;
    wrong["span_ranks"].as_array()[1].as_object()[key] = kv.value().is_string() ? boost::json::value(1)
                                                                                : boost::json::value("x");
    CHECK_THROWS_WITH_AS(record_from_json(wrong, "src"), has("span_ranks[1]." + key), integrity_error);
  }
  auto extra = good;
  extra["span_ranks"].as_array()[0].as_object()["surprise"] = 1;
  CHECK_THROWS_WITH_AS(record_from_json(extra, "src"), has("unknown field 'span_ranks[0].surprise'"),
                       integrity_error);
  auto too_big = good;
  too_big["span_ranks"].as_array()[0].as_object()["slowest_rank"] = std::uint64_t{1} << 40;
  CHECK_THROWS_AS(record_from_json(too_big, "src"), integrity_error);
}

TEST_CASE("span_ranks survives a snapshot and the store") {
  const auto dir = fixtures::scratch("span_ranks_store");
  const run_record r = mpi_record("mpi_3");
  write_snapshot(dir, r);
  CHECK(read_snapshot(snapshot_path(dir, r.id)) == r);

  store_options so;
  so.path = dir / "store";
  auto store = run_store::open(so);
  store->commit_run(r, nullptr, {});
  const auto back = store->get_run(r.id);
  REQUIRE(back.has_value());
  CHECK(back->span_ranks == r.span_ranks);
  CHECK(*back == r);
}

TEST_CASE("consist show prints the spans over ranks of an MPI run, and nothing more for other runs") {
  const auto dir = fixtures::scratch("span_ranks_show");
  const run_record mpi = mpi_record("mpi_4");
  run_record plain = fixtures::full_record("plain_4", 4);
  {
    store_options so;
    so.path = dir / "store";
    auto store = run_store::open(so);
    store->commit_run(mpi, nullptr, {});
    store->commit_run(plain, nullptr, {});
  }
  const auto shown = consist_test::cli_on(dir / "store", {"show", "mpi_4"});
  CHECK(shown.code == 0);
  CHECK_MESSAGE(consist_test::contains(shown.out, "spans over ranks (4 ranks; top 2 of 2"), shown.out);
  const std::string halo = consist_test::line_with(shown.out, "halo  ");
  // count min 0, mean 180 / 4, max 80; totals up to 18e18 ns; max / mean = 18 / (18.4 / 4).
  CHECK_MESSAGE(consist_test::contains(halo, "3/4"), halo);
  CHECK_MESSAGE(consist_test::contains(halo, "45.0"), halo);
  CHECK_MESSAGE(consist_test::contains(halo, "3.91x"), halo);
  CHECK_MESSAGE(consist_test::contains(halo, "rank 2"), halo);
  CHECK_MESSAGE(consist_test::contains(halo, "solver.cpp:120"), halo);
  const std::string retries = consist_test::line_with(shown.out, "retries  ");
  CHECK_MESSAGE(consist_test::contains(retries, "  -  "), retries);  // a count site has no times
  CHECK_MESSAGE(consist_test::contains(retries, "1.78x"), retries);  // its imbalance is in counts: 40 / (90 / 4)
  const auto json = consist_test::cli_on(dir / "store", {"show", "mpi_4", "--json"});
  CHECK(record_from_text(json.out, "show --json") == mpi);
  const auto other = consist_test::cli_on(dir / "store", {"show", "plain_4"});
  CHECK(other.code == 0);
  CHECK_FALSE(consist_test::contains(other.out, "spans over ranks"));
}
