// The packed form a queued record takes to the store's writer: every field
// comes back, json values with their exact kinds, and a store given records
// by reference holds them as given.
#include "random_record.hpp"
#include "store_fixtures.hpp"

#include <consist/detail/packed_record.hpp>
#include <consist/store/record_codec.hpp>
#include <consist/store/store.hpp>

#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <string>

using namespace consist;

TEST_CASE("a record with every field set comes back from its packed form unchanged") {
  auto r = fixtures::full_record("run_1", 5);
  r.span_ranks = {span_rank_stat{"loop", "main.cpp", 42, true, 4, 3, 1, 9, 20, 10, 90, 200, 2}};
  const detail::packed_record p(r);
  const run_record back = p.unpack();
  CHECK(back == r);
  CHECK(record_to_text(back) == record_to_text(r));
  CHECK(p.size() > r.description.size() + r.identity.code_version.size());
}

TEST_CASE("a default record comes back from its packed form unchanged") {
  const run_record r;
  CHECK(detail::packed_record(r).unpack() == r);
}

TEST_CASE("random records come back from their packed form byte for byte") {
  std::mt19937_64 g(20261129);
  for (int i = 0; i < 500; ++i) {
    const auto r = consist_test::randomize_record(g, fixtures::full_record("run_" + std::to_string(i), i % 50));
    const run_record back = detail::packed_record(r).unpack();
    REQUIRE(back == r);
    REQUIRE(record_to_text(back) == record_to_text(r));
  }
}

TEST_CASE("unpacking into a record that held another one overwrites every field") {
  // The store's writer unpacks every hit record into one record, reusing its buffers.
  std::mt19937_64 g(20261130);
  run_record into = fixtures::full_record("before", 7);
  into.span_ranks = {span_rank_stat{"loop", "main.cpp", 42, true, 4, 3, 1, 9, 20, 10, 90, 200, 2}};
  for (int i = 0; i < 500; ++i) {
    // Every other record is a default one: nothing of the fuller record before may stay behind.
    const auto r = i % 2 ? run_record{}
                         : consist_test::randomize_record(g, fixtures::full_record("run_" + std::to_string(i), i % 50));
    detail::packed_record(r).unpack_into(into);
    REQUIRE(into == r);
    REQUIRE(record_to_text(into) == record_to_text(r));
  }
}

TEST_CASE("json values keep their kind through the packed form") {
  run_record r;
  r.meta = {{"i", std::int64_t{5}}, {"u", std::uint64_t{5}}, {"d", 5.0}, {"neg_zero", -0.0},
            {"s", "a string longer than any short buffer"}, {"b", false}, {"n", nullptr},
            {"nested", {{"a", boost::json::array{1, "x", nullptr, {{"deep", true}}}}}}};
  r.config = boost::json::array{std::uint64_t{18446744073709551615ULL}, std::int64_t{-1}, 0.5};
  const run_record back = detail::packed_record(r).unpack();
  CHECK(back.meta.at("i").is_int64());
  CHECK(back.meta.at("u").is_uint64());
  CHECK(back.meta.at("d").is_double());
  CHECK(std::signbit(back.meta.at("neg_zero").as_double()));
  CHECK(back.meta.at("n").is_null());
  CHECK(back.meta == r.meta);
  CHECK(back.config.as_array().at(0).is_uint64());
  CHECK(back.config == r.config);
}

TEST_CASE("a store holds a record enqueued by reference exactly as given") {
  store_options o;
  o.path = fixtures::scratch("packed_enqueue");
  auto s = run_store::open(o);
  auto r = fixtures::full_record("queued_1", 3);
  r.status = run_status::completed;
  s->enqueue(r);
  s->flush();
  const auto stored = s->get_run("queued_1");
  REQUIRE(stored);
  CHECK(*stored == r);
}

TEST_CASE("a packed record cut short, lengthened or with a bad byte is refused, not misread") {
  auto r = fixtures::full_record("run_1", 5);
  r.status = run_status::failed;  // the third member: a byte that only 0..2 may hold
  const detail::packed_record p(r);
  const std::string_view bytes = p.bytes();
  const auto refused = doctest::Contains("could not be unpacked");
  for (std::size_t n = 0; n < bytes.size(); ++n)
    REQUIRE_THROWS_WITH_AS(detail::packed_record::unpack_record(bytes.substr(0, n)), refused, integrity_error);
  CHECK_THROWS_WITH_AS(detail::packed_record::unpack_record(std::string(bytes) + '\0'), refused, integrity_error);
  std::string bad(bytes);
  const std::size_t status_at = 8 + r.id.size() + 8 + r.parent_run_id.size();
  REQUIRE(bad[status_at] == static_cast<char>(run_status::failed));
  bad[status_at] = 7;
  CHECK_THROWS_WITH_AS(detail::packed_record::unpack_record(bad), refused, integrity_error);
  bad[status_at] = static_cast<char>(run_status::failed);
  CHECK(detail::packed_record::unpack_record(bad) == r);  // the same bytes restored: read again
}
