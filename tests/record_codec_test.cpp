// Record and artifact JSON, timestamps, cache-entry bytes, base64 and UUIDs:
// round trips of every field, and hostile input that must fail cleanly.
#include "store_fixtures.hpp"

#include <consist/detail/base64.hpp>
#include <consist/detail/uuid.hpp>
#include <consist/store/layout.hpp>
#include <consist/store/record_codec.hpp>
#include <consist/store/snapshot.hpp>

#include <boost/json/serialize.hpp>
#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

using namespace consist;
using fixtures::at;

namespace {
doctest::Contains has(const std::string& s) { return doctest::Contains(doctest::String(s.c_str())); }
}  // namespace

TEST_CASE("a record with every field set round-trips through JSON and text") {
  const auto r = fixtures::full_record("run_1", 5);
  const auto j = record_to_json(r);
  CHECK(record_from_json(j, "test") == r);
  CHECK(record_from_text(record_to_text(r), "test") == r);
  CHECK(j.at("created_at").as_string() == "2023-11-14T22:13:20.005000000Z");
  CHECK(j.at("status").as_string() == "completed");
  // Optionals are written as null and come back empty.
  run_record empty;
  empty.id = "e";
  const auto back = record_from_text(record_to_text(empty), "test");
  CHECK(back == empty);
  CHECK(record_to_json(empty).at("ended_at").is_null());
  CHECK(record_to_json(empty).at("explanation").is_null());
}

TEST_CASE("a record decoded from text owns its JSON members, outliving the parse") {
  // The text is parsed into a short-lived arena; the record's meta and config
  // are copied out of it into the default storage, from a stored record and
  // from a snapshot alike.
  const auto r = fixtures::full_record("run_1", 5);
  const boost::json::storage_ptr default_storage;
  for (auto back : {record_from_text(record_to_text(r), "test"),
                    snapshot_from_text(snapshot_to_text(r, nullptr, {}), "test").record}) {
    CHECK(back.meta.storage().get() == default_storage.get());
    CHECK(back.config.storage().get() == default_storage.get());
    back.meta["added"] = "after the parse";  // the arena is gone: this must not touch it
    CHECK(back.config == r.config);
    CHECK(back.meta.size() == r.meta.size() + 1);
  }
}

TEST_CASE("doubles in a record's config and meta read back as the same doubles") {
  // Boost.JSON 1.81's own parse reads some shortest spellings as the next
  // double: 949.30120289264414 is written 9.493012028926441E2 and came back as
  // 949.30120289264403. Checked over random doubles too.
  std::vector<double> values{949.30120289264414, 55.093158503943052, 0.1, 1.0 / 3, 5e-324, 1.7976931348623157e308};
  std::mt19937_64 gen(20261129);
  std::uniform_real_distribution<double> mag(-300, 300);
  for (int i = 0; i < 2000; ++i) values.push_back(std::pow(10.0, mag(gen)) * (i % 2 ? 1 : -1));
  auto r = fixtures::full_record("run_1", 5);
  boost::json::array a;
  for (double v : values) a.emplace_back(v);
  r.config = boost::json::object{{"values", a}};
  r.meta["residual"] = values.front();
  for (const auto& back : {record_from_text(record_to_text(r), "test"),
                           snapshot_from_text(snapshot_to_text(r, nullptr, {}), "test").record}) {
    const auto& got = back.config.at("values").as_array();
    REQUIRE(got.size() == values.size());
    std::size_t differ = 0;
    for (std::size_t i = 0; i < values.size(); ++i)
      if (got[i].as_double() != values[i]) ++differ;
    CHECK(differ == 0);
    CHECK(back.meta.at("residual").as_double() == values.front());
  }
}

TEST_CASE("an artifact round-trips, including a time before 1970") {
  const auto a = fixtures::full_artifact("art", "run_1");
  CHECK(artifact_from_text(artifact_to_text(a), "test") == a);
}

TEST_CASE("timestamps are ISO-8601 UTC with nanoseconds") {
  CHECK(detail::format_timestamp(at(0)) == "1970-01-01T00:00:00.000000000Z");
  CHECK(detail::format_timestamp(at(-1)) == "1969-12-31T23:59:59.999999999Z");
  CHECK(detail::format_timestamp(at(951'782'400'000'000'123)) == "2000-02-29T00:00:00.000000123Z");
  for (const std::int64_t ns : {std::int64_t{0}, std::int64_t{-1}, std::int64_t{1'700'000'000'123'456'789},
                                INT64_MAX, INT64_MIN, std::int64_t{-86'400'000'000'000}})
    CHECK(detail::parse_timestamp(detail::format_timestamp(at(ns))) == at(ns));
  CHECK(detail::parse_timestamp("2024-05-01T12:34:56Z") == detail::parse_timestamp("2024-05-01T12:34:56.000000000Z"));
  CHECK(detail::parse_timestamp("2024-05-01T12:34:56.5Z") == detail::parse_timestamp("2024-05-01T12:34:56.500000000Z"));
  for (const char* bad : {"", "2024-05-01", "2024-05-01T12:34:56", "2024-05-01T12:34:56.Z", "2024-02-30T00:00:00Z",
                          "2024-13-01T00:00:00Z", "2024-05-01T24:00:00Z", "2024-05-01T12:60:00Z",
                          "2024-05-01T12:34:56.1234567890Z", "2024-05-01T12:34:56+01:00", "9999-01-01T00:00:00Z",
                          "1000-01-01T00:00:00Z", "2024-05-01 12:34:56Z", "2024-05-01T12:34:56Zjunk", "+024-05-01T12:34:56Z"})
    CHECK_MESSAGE(!detail::parse_timestamp(bad), bad);
}

TEST_CASE("every missing field, wrong type and unknown field is an integrity_error naming it") {
  const auto good = record_to_json(fixtures::full_record("run_1", 1));
  for (const auto& kv : good) {
    const std::string key(kv.key());
    auto missing = good;
    missing.erase(key);
    CHECK_THROWS_WITH_AS(record_from_json(missing, "src"), has("'" + key + "' is missing"),
                         integrity_error);
    if (key == "config") continue;  // any JSON value is a config
    auto wrong = good;
    wrong[key] = kv.value().is_string() ? boost::json::value(42) : boost::json::value("x");
    CHECK_THROWS_WITH_AS(record_from_json(wrong, "src"), has(key), integrity_error);
  }
  auto extra = good;
  extra["surprise"] = 1;
  CHECK_THROWS_WITH_AS(record_from_json(extra, "src"), doctest::Contains("unknown field 'surprise'"), integrity_error);
  // Nested objects name the path.
  for (const auto& kv : good.at("identity").as_object()) {
    auto wrong = good;
    wrong["identity"].as_object()[kv.key()] = boost::json::array{};
    CHECK_THROWS_WITH_AS(record_from_json(wrong, "src"), has("identity." + std::string(kv.key())),
                         integrity_error);
  }
  auto span = good;
  span["span_stats"].as_array()[1].as_object()["line"] = 1ULL << 40;
  CHECK_THROWS_WITH_AS(record_from_json(span, "src"), doctest::Contains("span_stats[1].line"), integrity_error);
  auto tags = good;
  tags["tags"].as_array().emplace_back(3);
  CHECK_THROWS_WITH_AS(record_from_json(tags, "src"), doctest::Contains("tags[2]"), integrity_error);
}

TEST_CASE("bad enums, times and documents are integrity errors") {
  const auto good = record_to_json(fixtures::full_record("run_1", 1));
  auto status = good;
  status["status"] = "done";
  CHECK_THROWS_WITH_AS(record_from_json(status, "src"), doctest::Contains("unknown status 'done'"), integrity_error);
  auto dir = good;
  dir["links"].as_array()[0].as_object()["direction"] = "sideways";
  CHECK_THROWS_WITH_AS(record_from_json(dir, "src"), doctest::Contains("links[0].direction"), integrity_error);
  auto time = good;
  time["started_at"] = "yesterday";
  CHECK_THROWS_WITH_AS(record_from_json(time, "src"), doctest::Contains("ISO-8601"), integrity_error);
  auto neg = good;
  neg["identity"].as_object()["cache_epoch"] = -1;
  CHECK_THROWS_AS(record_from_json(neg, "src"), integrity_error);
  auto dbl = good;
  dbl["pid"] = 1.5;
  CHECK_THROWS_AS(record_from_json(dbl, "src"), integrity_error);
  CHECK_THROWS_AS(record_from_json(boost::json::array{}, "src"), integrity_error);
  CHECK_THROWS_AS(record_from_text("", "src"), integrity_error);
  CHECK_THROWS_AS(record_from_text(std::string(100000, '['), "src"), integrity_error);  // depth limit, no crash
  CHECK_THROWS_AS(record_from_text("{\"id\": \"x\"} trailing", "src"), integrity_error);
}

TEST_CASE("every truncation of a record's text fails cleanly") {
  const auto text = record_to_text(fixtures::full_record("run_1", 1));
  for (std::size_t n = 0; n < text.size(); ++n)
    CHECK_THROWS_AS(record_from_text(std::string_view(text).substr(0, n), "src"), integrity_error);
}

TEST_CASE("random mutations of a record's text never crash") {
  const auto text = record_to_text(fixtures::full_record("run_1", 1));
  std::mt19937 rng(7);
  int decoded = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string m = text;
    for (int k = 0; k < 3; ++k) m[rng() % m.size()] = static_cast<char>(rng() % 256);
    try {
      (void)record_from_text(m, "src");
      ++decoded;  // a mutation inside a string value can stay valid
    } catch (const integrity_error&) {
    }
  }
  CHECK(decoded < 3000);
}

TEST_CASE("cache entries round-trip in binary and garbage is refused") {
  cache_entry e;
  e.run_id = "run_1";
  e.signature = fixtures::signature_of(3);
  e.created_at = at(-5);
  e.value.assign(300, 0xab);
  e.outputs = {{"a", "id-1"}, {"b", ""}, {"", "id-3"}};
  const auto bytes = layout::encode_cache_entry(e);
  CHECK(layout::decode_cache_entry(bytes) == e);
  CHECK(layout::cache_entry_created_at(bytes, "x") == e.created_at);
  CHECK(layout::decode_cache_entry(layout::encode_cache_entry(cache_entry{})) == cache_entry{});
  for (std::size_t n = 0; n < bytes.size(); ++n)
    CHECK_THROWS_AS(layout::decode_cache_entry(bytes.substr(0, n)), integrity_error);
  CHECK_THROWS_WITH_AS(layout::decode_cache_entry(bytes + "x"), doctest::Contains("trailing"), integrity_error);
  auto other_format = bytes;
  other_format[0] = 2;
  CHECK_THROWS_AS(layout::decode_cache_entry(other_format), integrity_error);
  // A length far beyond the data, and an over-long varint.
  std::string huge = bytes.substr(0, 25) + std::string("\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 10);
  CHECK_THROWS_AS(layout::decode_cache_entry(huge), integrity_error);
  std::string overlong = bytes.substr(0, 25) + std::string(11, '\x80');
  CHECK_THROWS_AS(layout::decode_cache_entry(overlong), integrity_error);
  std::mt19937 rng(11);
  for (int round = 0; round < 5000; ++round) {
    std::string g(rng() % 80, '\0');
    for (auto& c : g) c = static_cast<char>(rng() % 256);
    if (!g.empty() && rng() % 2) g[0] = 1;
    try {
      (void)layout::decode_cache_entry(g);
    } catch (const integrity_error&) {
    }
  }
}

TEST_CASE("hit counters and link keys decode only what they encode") {
  const auto v = layout::encode_hit_counter(7, at(-9));
  CHECK(layout::decode_hit_counter(v, "r") == std::pair(std::uint64_t{7}, at(-9)));
  CHECK_THROWS_AS(layout::decode_hit_counter(v.substr(1), "r"), integrity_error);
  const auto k = layout::run_artifact_key("run", link_direction::output, "key\x01");
  const auto parts = layout::split_link_key(k);
  REQUIRE(parts);
  CHECK(parts->first == "run");
  CHECK(parts->direction == link_direction::output);
  CHECK(parts->second == "key\x01");
  for (std::string_view bad : {std::string_view(""), std::string_view("run"), std::string_view("run\0x\0k", 7), std::string_view("run\0i", 5)})
    CHECK_FALSE(layout::split_link_key(bad));
  // model_time keys of one model sort by time, negative times first.
  CHECK(layout::model_time_key("m", at(-1), "z") < layout::model_time_key("m", at(0), "a"));
  CHECK(layout::model_time_key("m", at(255), "z") < layout::model_time_key("m", at(256), "a"));
}

TEST_CASE("base64 is canonical both ways") {
  for (std::size_t n = 0; n < 70; ++n) {
    std::vector<std::uint8_t> bytes(n);
    for (std::size_t i = 0; i < n; ++i) bytes[i] = static_cast<std::uint8_t>(i * 37 + 11);
    CHECK(detail::from_base64(detail::to_base64(bytes)) == bytes);
  }
  CHECK(detail::to_base64(std::vector<std::uint8_t>{'f', 'o', 'o', 'b'}) == "Zm9vYg==");
  for (const char* bad : {"Zm9vYg=", "Zm9vYh==", "Zm9v\nYg==", "Zm=vYg==", "====", "Z==="})
    CHECK_MESSAGE(!detail::from_base64(bad), bad);
}

TEST_CASE("UUIDs: random ones are version 4, name-based ones are stable and version 5") {
  const auto a = detail::random_uuid(), b = detail::random_uuid();
  CHECK(a != b);
  CHECK(a.size() == 36);
  CHECK(a[14] == '4');
  CHECK(std::string("89ab").find(a[19]) != std::string::npos);
  const auto n1 = detail::name_uuid(a, "skims"), n2 = detail::name_uuid(a, "skims");
  CHECK(n1 == n2);
  CHECK(n1 != detail::name_uuid(b, "skims"));
  CHECK(n1 != detail::name_uuid(a, "skims2"));
  CHECK(n1[14] == '5');
  CHECK(detail::parse_uuid(n1));
  CHECK_FALSE(detail::parse_uuid("not-a-uuid"));
  CHECK_THROWS_AS(detail::name_uuid("nope", "x"), usage_error);
}
