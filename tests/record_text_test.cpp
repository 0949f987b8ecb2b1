// The store's record and artifact text, written directly
// (detail/record_text.hpp), must be byte for byte what Boost.JSON writes for
// record_to_json / artifact_to_json: over fixed records, over hostile strings
// (every byte value, quotes, backslashes, UTF-8), over random records, and
// when a name -> digest list repeats a name.
#include "random_record.hpp"
#include "store_fixtures.hpp"

#include <consist/detail/json_writer.hpp>
#include <consist/detail/record_text.hpp>
#include <consist/store/record_codec.hpp>

#include <boost/json/serialize.hpp>
#include <doctest/doctest.h>

#include <limits>
#include <random>
#include <string>
#include <vector>

using namespace consist;
using consist_test::random_text;

namespace {

std::string direct(const run_record& r) {
  std::string out;
  detail::write_record_text(r, out);
  return out;
}

std::string via_boost(const run_record& r) { return boost::json::serialize(record_to_json(r)); }

run_record random_record(std::mt19937_64& g) {
  const auto id = "run_" + std::to_string(g() % 1000);
  return consist_test::randomize_record(g, fixtures::full_record(id, static_cast<int>(g() % 50)));
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

TEST_CASE("a byte that needs an escape is found at every position, in strings and keys of every length") {
  // Lengths below, at and above one 8-byte word and two, so that whole words,
  // the overlapping last word and the padded short string are all checked.
  std::vector<int> bytes = {'"', '\\', 0x7f, 0x80, 0xff, ' ', '!', '#', '[', ']'};
  for (int c = 0; c < 0x20; ++c) bytes.push_back(c);
  for (int c : bytes) {
    for (std::size_t len = 1; len <= 24; ++len) {
      for (std::size_t at = 0; at < len; ++at) {
        std::string text(len, 'a');
        text[at] = static_cast<char>(c);
        std::string out;
        detail::json_writer w(out);
        w.begin_object();
        w.key(text);
        w.string(text);
        w.end_object();
        w.finish();
        boost::json::object o;
        o[text] = text;
        CHECK_MESSAGE(out == boost::json::serialize(o), "byte " << c << " at " << at << " of " << len);
      }
    }
  }
  std::string out;
  detail::json_writer w(out);
  w.string("");
  w.finish();
  CHECK(out == "\"\"");
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

TEST_CASE("NaN and the infinities in meta and config are written as strings JSON parsers read back") {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  run_record r;
  r.meta["residual"] = nan;
  r.meta["bounds"] = boost::json::array{-inf, 1.5, inf};
  r.config = boost::json::object{{"relax", -nan}};
  const std::string text = direct(r);
  CHECK(text.find(R"("residual":"nan")") != std::string::npos);
  CHECK(text.find(R"("bounds":["-inf",1.5E0,"inf"])") != std::string::npos);
  CHECK(text.find(R"("config":{"relax":"nan"})") != std::string::npos);
  const run_record back = record_from_text(text, "test");  // Boost.JSON's own text of r would not parse
  CHECK(back.meta.at("residual") == "nan");
  CHECK(back.config.at("relax") == "nan");
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
  w.finish();
  CHECK(out == R"({"a":"x","b":[-1,{},[],null],"c":false})");
}

TEST_CASE("json_writer appends to what the string held, grows past its room, and cuts it when finished") {
  for (std::size_t capacity : {0, 300, 5000}) {
    std::string out = "prefix:";
    out.reserve(capacity);
    std::string expected = out;
    {
      detail::json_writer w(out);
      w.begin_array();
      boost::json::array a;
      for (int i = 0; i < 200; ++i) {  // ~2,600 bytes, past any first room but the largest
        const std::string s(static_cast<std::size_t>(i % 13), static_cast<char>(i % 3 == 0 ? '\n' : 'z'));
        w.string(s);
        w.uint64(static_cast<std::uint64_t>(i) << 40);
        a.emplace_back(s);
        a.emplace_back(static_cast<std::uint64_t>(i) << 40);
      }
      w.end_array();
      expected += boost::json::serialize(a);
    }  // the destructor finishes
    CHECK_MESSAGE(out == expected, "capacity " << capacity);
  }
  std::string out;
  detail::json_writer w(out);
  w.null();
  w.finish();
  w.finish();  // a second finish changes nothing
  CHECK(out == "null");
}

TEST_CASE("json_writer reopens a written object to add members, also an empty one") {
  std::string out = R"({"a":1})";
  {
    detail::json_writer w(out, detail::json_writer::reopen_object);
    w.member_int("b", 2);
    w.key("c");
    w.begin_object();
    w.end_object();
    w.end_object();
  }
  CHECK(out == R"({"a":1,"b":2,"c":{}})");
  std::string empty = "[1,{}";  // an object that ends other text, without members
  {
    detail::json_writer w(empty, detail::json_writer::reopen_object);
    w.member("k", "v");
    w.end_object();
  }
  CHECK(empty == R"([1,{"k":"v"})");
}
