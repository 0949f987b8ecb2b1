// The store's record and artifact text, written directly
// (detail/record_text.hpp), must be byte for byte what Boost.JSON writes for
// record_to_json / artifact_to_json: over fixed records, over hostile strings
// (every byte value, quotes, backslashes, UTF-8), over random records, and
// when a name -> digest list repeats a name.
#include "store_fixtures.hpp"

#include <consist/detail/json_writer.hpp>
#include <consist/detail/record_text.hpp>
#include <consist/store/record_codec.hpp>

#include <boost/json/serialize.hpp>
#include <doctest/doctest.h>

#include <limits>
#include <vector>
#include <random>
#include <string>

using namespace consist;

namespace {

std::string direct(const run_record& r) {
  std::string out;
  detail::write_record_text(r, out);
  return out;
}

std::string via_boost(const run_record& r) { return boost::json::serialize(record_to_json(r)); }

/// Random text: mostly printable, with control bytes, quotes, backslashes,
/// high bytes and multi-byte UTF-8 mixed in.
std::string random_text(std::mt19937_64& g, std::size_t max_len = 24) {
  static const char* pieces[] = {"\"", "\\", "\n", "\t", "\b", "\f", "\r", "\x01", "\x1f", "\x7f",
                                 "/",  "é",  "漢", "🙂", "\xff", "\x80", " ", "{}", "[]", ":"};
  std::string s;
  const std::size_t n = g() % (max_len + 1);
  for (std::size_t i = 0; i < n; ++i) {
    const auto pick = g() % 4;
    if (pick == 0) s += pieces[g() % std::size(pieces)];
    else s += static_cast<char>(0x20 + g() % 95);
  }
  return s;
}

boost::json::value random_json(std::mt19937_64& g, int depth) {
  switch (g() % (depth > 2 ? 6 : 8)) {
    case 0: return nullptr;
    case 1: return g() % 2 == 0;
    case 2: return static_cast<std::int64_t>(g());
    case 3: return static_cast<std::uint64_t>(g());
    case 4: {
      const double pool[] = {0.0, -0.0, 0.1, 1.0, -2.5, 1e300, 5e-324, 123456.789, 1.0 / 3.0};
      return pool[g() % std::size(pool)];
    }
    case 5: return boost::json::string(random_text(g));
    case 6: {
      boost::json::array a;
      for (std::size_t i = g() % 4; i > 0; --i) a.push_back(random_json(g, depth + 1));
      return a;
    }
    default: {
      boost::json::object o;
      for (std::size_t i = g() % 4; i > 0; --i) o[random_text(g, 8)] = random_json(g, depth + 1);
      return o;
    }
  }
}

std::optional<std::int64_t> random_opt(std::mt19937_64& g) {
  if (g() % 3 == 0) return std::nullopt;
  const std::int64_t pool[] = {0, -1, 2024, std::numeric_limits<std::int64_t>::min(),
                               std::numeric_limits<std::int64_t>::max()};
  return pool[g() % std::size(pool)];
}

std::vector<std::pair<std::string, std::string>> random_pairs(std::mt19937_64& g, std::size_t max) {
  std::vector<std::pair<std::string, std::string>> v;
  for (std::size_t i = g() % (max + 1); i > 0; --i) v.emplace_back(random_text(g, 6), random_text(g));
  return v;
}

run_record random_record(std::mt19937_64& g) {
  run_record r = fixtures::full_record("run_" + std::to_string(g() % 1000), static_cast<int>(g() % 50));
  r.id = random_text(g);
  r.parent_run_id = random_text(g);
  r.status = static_cast<run_status>(g() % 3);
  r.model_name = random_text(g);
  r.description = random_text(g, 80);
  r.year = random_opt(g);
  r.iteration = random_opt(g);
  r.tags.clear();
  for (std::size_t i = g() % 4; i > 0; --i) r.tags.push_back(random_text(g));
  r.meta.clear();
  for (std::size_t i = g() % 5; i > 0; --i) r.meta[random_text(g, 8)] = random_json(g, 0);
  r.config = random_json(g, 0);
  r.config_fields = random_pairs(g, 12);  // beyond 8 pairs the duplicate check takes another path
  r.identity.identity_inputs = random_pairs(g, 3);
  r.identity.inputs = random_pairs(g, 3);
  r.identity.year = random_opt(g);
  r.identity.schema_hash = g();
  r.identity.cache_epoch = g();
  r.identity.adapter_version = static_cast<std::uint32_t>(g());
  if (g() % 2) r.explanation.reset();
  else if (r.explanation) r.explanation->changed_config_fields.push_back(random_text(g));
  r.error = random_text(g, 60);
  r.cache_hit = g() % 2 == 0;
  r.cache_source = random_text(g);
  if (g() % 3 == 0) r.ended_at.reset();
  for (auto& s : r.span_stats) s.name = random_text(g);
  r.span_ranks.clear();
  if (g() % 2) {
    span_rank_stat s;
    s.name = random_text(g);
    s.file = random_text(g);
    s.count_sum = g();
    s.ranks = 4;
    r.span_ranks.push_back(s);
  }
  r.pid = static_cast<std::int64_t>(g());
  r.host = random_text(g);
  return r;
}

}  // namespace

TEST_CASE("a record's direct text equals Boost.JSON's, field for field") {
  const auto full = fixtures::full_record("run_1", 5);
  CHECK(direct(full) == via_boost(full));
  run_record empty;
  CHECK(direct(empty) == via_boost(empty));
  // The text is what the store keeps: it decodes to the same record.
  CHECK(record_from_text(direct(full), "test") == full);
}

TEST_CASE("every byte value in a string is escaped as Boost.JSON escapes it") {
  run_record r;
  for (int c = 0; c < 256; ++c) r.description += static_cast<char>(c);
  r.meta["key with \"quotes\" and \\ and \n"] = "value\x01\x1f\x7f";
  CHECK(direct(r) == via_boost(r));
  CHECK(direct(r).find("\\u0001") != std::string::npos);
}

TEST_CASE("a byte that needs an escape is found at every position of a long string") {
  std::vector<int> bytes = {'"', '\\', 0x7f, 0x80, 0xff, ' ', '!', '#', '[', ']'};
  for (int c = 0; c < 0x20; ++c) bytes.push_back(c);
  for (int c : bytes) {
    for (std::size_t at = 0; at < 24; ++at) {
      std::string text(24, 'a');
      text[at] = static_cast<char>(c);
      boost::json::value v(text);
      std::string out;
      detail::json_writer w(out);
      w.string(text);
      CHECK_MESSAGE(out == boost::json::serialize(v), "byte " << c << " at " << at);
    }
  }
}

TEST_CASE("numbers: integer extremes and doubles in meta and config") {
  run_record r;
  r.year = std::numeric_limits<std::int64_t>::min();
  r.iteration = std::numeric_limits<std::int64_t>::max();
  r.identity.schema_hash = std::numeric_limits<std::uint64_t>::max();
  r.meta["d"] = boost::json::array{0.0, -0.0, 0.1, 1e300, 5e-324, -1.5e-7, 2.0};
  r.config = boost::json::object{{"u", std::numeric_limits<std::uint64_t>::max()}, {"i", -42}, {"x", 3.25}};
  CHECK(direct(r) == via_boost(r));
}

TEST_CASE("a repeated name in a name -> digest list is written once, with its last value") {
  run_record r;
  r.config_fields = {{"a", "1"}, {"b", "2"}, {"a", "3"}};  // short list
  for (int i = 0; i < 12; ++i) r.identity.inputs.emplace_back("k" + std::to_string(i % 5), std::to_string(i));  // long
  CHECK(direct(r) == via_boost(r));
  CHECK(direct(r).find(R"("config_fields":{"a":"3","b":"2"})") != std::string::npos);
}

TEST_CASE("random records: direct text equals Boost.JSON's") {
  std::mt19937_64 g(20261127);
  for (int i = 0; i < 2000; ++i) {
    const auto r = random_record(g);
    const auto a = direct(r), b = via_boost(r);
    if (a != b) {
      FAIL_CHECK("record " << i << " differs:\n  direct: " << a << "\n  boost:  " << b);
      break;
    }
  }
}

TEST_CASE("an artifact's direct text equals Boost.JSON's") {
  std::mt19937_64 g(7);
  auto a = fixtures::full_artifact("art", "run_1");
  for (int i = 0; i < 200; ++i) {
    a.key = random_text(g);
    a.location = random_text(g);
    a.size = g();
    a.is_directory = g() % 2 == 0;
    std::string out;
    detail::write_artifact_text(a, out);
    CHECK(out == boost::json::serialize(artifact_to_json(a)));
  }
}

TEST_CASE("json_writer separates members and elements at every depth") {
  std::string out;
  detail::json_writer w(out);
  w.begin_object();
  w.member("a", "x");
  w.key("b");
  w.begin_array();
  w.int64(-1);
  w.begin_object();
  w.end_object();
  w.begin_array();
  w.end_array();
  w.null();
  w.end_array();
  w.member_bool("c", false);
  w.end_object();
  CHECK(out == R"({"a":"x","b":[-1,{},[],null],"c":false})");
}
