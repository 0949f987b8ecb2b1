// JSON on both sides: to_json (the snapshot form of a config) and the
// json_adapter's canonical encoding of parsed decks (key order, whitespace and
// number spelling do not matter; values do), leaf paths, and loading decks.
#include <consist/encode/json.hpp>
#include <consist/encode/reflect.hpp>
#include <consist/encode/to_json.hpp>
#include <consist/identity/adapter.hpp>

#include <doctest/doctest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace deck {

enum class scheme : std::uint8_t { upwind = 2 };

struct demand_params {
  BOOST_HANA_DEFINE_STRUCT(demand_params, (double, alpha), (std::int64_t, seed));
};
struct config {
  BOOST_HANA_DEFINE_STRUCT(config, (std::string, name), (demand_params, demand), (std::vector<int>, zones),
                           (std::optional<double>, cap), (std::map<std::string, double>, rates),
                           (std::map<int, std::string>, labels), (std::unordered_set<int>, ids),
                           (scheme, advection), (std::filesystem::path, out), (std::uint64_t, big),
                           (std::tuple<bool, char>, flags), (std::vector<double>, specials));
};

}  // namespace deck

namespace plot {
// A packed colour that is not reflected: encoded as its three channels.
class rgb {
 public:
  constexpr explicit rgb(std::uint32_t packed) : packed_(packed) {}
  constexpr std::uint8_t channel(int i) const { return static_cast<std::uint8_t>(packed_ >> (16 - 8 * i)); }

 private:
  std::uint32_t packed_;
};
void consist_encode(consist::byte_sink auto& sink, const rgb& c) {
  for (int i = 0; i < 3; ++i) consist::encode(sink, c.channel(i));
}
constexpr std::string_view consist_schema(consist::type_t<rgb>) { return "plot::rgb/1"; }
boost::json::value consist_to_json(const rgb& c) { return {c.channel(0), c.channel(1), c.channel(2)}; }

struct hash_only {
  int v;
};
void consist_encode(consist::byte_sink auto& sink, const hash_only& h) { consist::encode(sink, h.v); }
constexpr std::string_view consist_schema(consist::type_t<hash_only>) { return "plot::hash_only/1"; }
}  // namespace plot

static_assert(consist::json_convertible<deck::config>);
static_assert(consist::json_convertible<std::vector<plot::rgb>>);
static_assert(consist::encodable<plot::hash_only>);
static_assert(!consist::json_convertible<plot::hash_only>);

namespace {

boost::json::value parse(std::string_view text) { return boost::json::parse(text); }

std::filesystem::path scratch(const std::string& name) {
  const auto dir = std::filesystem::path(CONSIST_TEST_BINARY_DIR) / "json_encode";
  std::filesystem::create_directories(dir);
  return dir / name;
}

void write_file(const std::filesystem::path& p, std::string_view text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
}

}  // namespace

TEST_CASE("to_json: structs are objects in declaration order, with exact values") {
  deck::config c;
  c.name = "base";
  c.demand = {0.5, -3};
  c.zones = {3, 1};
  c.rates = {{"b", 2.0}, {"a", 1.0}};
  c.labels = {{10, "ten"}, {-1, "minus"}};
  c.ids = {30, 10, 20};
  c.advection = deck::scheme::upwind;
  c.out = std::filesystem::path("runs") / "x.nc";
  c.big = std::numeric_limits<std::uint64_t>::max();
  c.flags = {true, 'A'};
  c.specials = {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
                -std::numeric_limits<double>::infinity(), 1.25};
  const boost::json::value j = consist::to_json(c);
  const auto& o = j.as_object();
  std::vector<std::string> keys;
  for (const auto& kv : o) keys.emplace_back(kv.key());
  CHECK(keys == std::vector<std::string>{"name", "demand", "zones", "cap", "rates", "labels", "ids", "advection",
                                         "out", "big", "flags", "specials"});
  CHECK(o.at("name") == "base");
  CHECK(o.at("demand").at("alpha") == 0.5);
  CHECK(o.at("demand").at("seed") == -3);
  CHECK(o.at("zones") == boost::json::array{3, 1});
  CHECK(o.at("cap").is_null());
  CHECK(boost::json::serialize(o.at("rates")) == R"({"a":1E0,"b":2E0})");
  CHECK(o.at("labels") == parse(R"([[-1,"minus"],[10,"ten"]])"));
  CHECK(o.at("ids").as_array().size() == 3);
  CHECK(o.at("advection") == 2);
  CHECK(o.at("out") == "runs/x.nc");
  CHECK(o.at("big").is_uint64());
  CHECK(o.at("big").get_uint64() == std::numeric_limits<std::uint64_t>::max());
  CHECK(o.at("flags") == boost::json::array{true, 65});
  CHECK(o.at("specials") == parse(R"(["nan","inf","-inf",1.25])"));
}

TEST_CASE("to_json: unordered containers come out in a fixed order") {
  std::unordered_set<int> a;
  std::unordered_set<int> b(1000);
  std::unordered_map<std::string, int> ma;
  std::unordered_map<std::string, int> mb(1000);
  for (int i = 0; i < 100; ++i) {
    a.insert(i * 31);
    b.insert((99 - i) * 31);
    ma.emplace("k" + std::to_string(i), i);
    mb.emplace("k" + std::to_string(99 - i), 99 - i);
  }
  CHECK(boost::json::serialize(consist::to_json(a)) == boost::json::serialize(consist::to_json(b)));
  CHECK(boost::json::serialize(consist::to_json(ma)) == boost::json::serialize(consist::to_json(mb)));
  CHECK(consist::to_json(std::optional<int>{4}) == 4);
  CHECK(consist::to_json(std::vector<plot::rgb>{plot::rgb(0xff8001)}) == parse("[[255, 128, 1]]"));
  CHECK(consist::to_json(std::numeric_limits<std::int64_t>::min()).get_int64() ==
        std::numeric_limits<std::int64_t>::min());
}

TEST_CASE("encode_json: object key order and whitespace do not matter") {
  const auto a = parse(R"({"b": 1, "a": {"y": [1, 2], "x": "s"}})");
  const auto b = parse("{\n  \"a\" : { \"x\":\"s\",\n \"y\":[1,2] },\n\t\"b\":1\n}");
  CHECK(consist::json_digest(a) == consist::json_digest(b));
  CHECK(consist::json_digest(a) != consist::json_digest(parse(R"({"b": 1, "a": {"y": [2, 1], "x": "s"}})")));
  CHECK(consist::json_digest(a) != consist::json_digest(parse(R"({"b": 1, "a": {"y": [1, 2], "x": "s "}})")));
  CHECK(consist::json_digest(a) != consist::json_digest(parse(R"({"b": 1, "a": {"y": [1, 2], "z": "s"}})")));
}

TEST_CASE("encode_json: numbers are compared by value") {
  const auto one = consist::json_digest(boost::json::value(std::int64_t{1}));
  CHECK(consist::json_digest(boost::json::value(std::uint64_t{1})) == one);
  CHECK(consist::json_digest(boost::json::value(1.0)) == one);
  for (const char* spelling : {"1", "1.0", "1e0", "10e-1", "0.1e1", "1.000"})
    CHECK_MESSAGE(consist::json_digest(parse(spelling)) == one, spelling);
  CHECK(consist::json_digest(parse("-0.0")) == consist::json_digest(parse("0")));
  CHECK(consist::json_digest(parse("-0")) == consist::json_digest(parse("0")));
  CHECK(consist::json_digest(parse("-5")) == consist::json_digest(parse("-5.0")));
  CHECK(consist::json_digest(parse("-5")) != consist::json_digest(parse("5")));
  CHECK(consist::json_digest(parse("0.5")) == consist::json_digest(parse("5e-1")));
  CHECK(consist::json_digest(parse("0.5")) != consist::json_digest(parse("0.25")));
  // Beyond int64: uint64 and an equal double agree; a neighbour differs.
  CHECK(consist::json_digest(boost::json::value(std::uint64_t{1} << 63)) ==
        consist::json_digest(boost::json::value(9223372036854775808.0)));
  CHECK(consist::json_digest(parse("18446744073709551615")) !=
        consist::json_digest(parse("18446744073709551614")));
  CHECK(consist::json_digest(parse("1e300")) == consist::json_digest(parse("1.0e300")));
  CHECK(consist::json_digest(parse("1")) != consist::json_digest(parse("true")));
  CHECK(consist::json_digest(parse("1")) != consist::json_digest(parse(R"("1")")));
  CHECK(consist::json_digest(parse("null")) != consist::json_digest(parse("0")));
  CHECK(consist::json_digest(parse("[]")) != consist::json_digest(parse("{}")));
}

TEST_CASE("encode_json writes tagged, length-prefixed bytes") {
  std::vector<std::uint8_t> out;
  consist::buffer_sink sink(out);
  consist::encode_json(sink, parse(R"({"k": -2})"));
  const std::vector<std::uint8_t> expected{0x66, 1, 0, 0, 0, 0, 0, 0, 0,  // object, 1 entry
                                           1,    0, 0, 0, 0, 0, 0, 0, 'k',  // key
                                           0x62, 1, 2, 0, 0, 0, 0, 0, 0, 0};  // integer, negative, 2
  CHECK(out == expected);
  CHECK(consist::json_digest(parse(R"({"k": -2})")) == consist::siphash24_128(out, consist::identity_key));
}

TEST_CASE("json_field_digests: leaf paths for miss explanations") {
  const auto a = parse(R"({"demand": {"alpha": 0.5, "beta": 2}, "zones": [{"pop": 1}, {"pop": 2}],
                          "empty": {}, "none": [], "odd.key": 1, "": true})");
  const auto fa = consist::json_field_digests(a);
  std::vector<std::string> paths;
  for (const auto& f : fa) paths.push_back(f.path);
  CHECK(paths == std::vector<std::string>{"[\"\"]", "[\"odd.key\"]", "demand.alpha", "demand.beta", "empty", "none",
                                          "zones[0].pop", "zones[1].pop"});
  CHECK(fa[2].digest == consist::json_digest(boost::json::value(0.5)));

  auto b = a;
  b.at("demand").at("alpha") = 0.75;
  b.at("zones").at(1).at("pop") = 2.0;  // same value, other spelling
  b.as_object()["extra"] = 1;
  CHECK(consist::changed_fields(fa, consist::json_field_digests(b)) ==
        std::vector<std::string>{"demand.alpha", "extra"});
  const auto root = consist::json_field_digests(parse("3"));
  REQUIRE(root.size() == 1);
  CHECK(root[0].path == "$");
  // A member named "$" is not the whole config: a scalar config that became
  // {"$": 3} is a changed field, and `consist why` finds the member's value.
  const auto dollar = consist::json_field_digests(parse(R"({"$": 3, "a": {"$": 4}})"));
  REQUIRE(dollar.size() == 2);
  CHECK(dollar[0].path == "[\"$\"]");
  CHECK(dollar[1].path == "a.$");
  CHECK(consist::changed_fields(root, consist::json_field_digests(parse(R"({"$": 3})"))) ==
        std::vector<std::string>{"$", "[\"$\"]"});
}

TEST_CASE("load_json_file: a reformatted deck has the same identity") {
  const auto p1 = scratch("deck1.json");
  const auto p2 = scratch("deck2.json");
  write_file(p1, R"({"a": 1, "b": [1.0, 2]})");
  write_file(p2, "// reformatted, with comments\n{\n  \"b\": [1, 2.0,],\n  /* key order */ \"a\": 1.0\n}\n");
  CHECK(consist::json_digest(consist::load_json_file(p1)) == consist::json_digest(consist::load_json_file(p2)));
}

TEST_CASE("load_json_file: a UTF-8 byte order mark is not part of the deck") {
  const auto plain = scratch("plain.json");
  const auto marked = scratch("marked.json");
  write_file(plain, R"({"a": "\u00e9", "b": 1})");
  write_file(marked, "\xEF\xBB\xBF{\"b\": 1, \"a\": \"\xC3\xA9\"}");
  CHECK(consist::json_digest(consist::load_json_file(marked)) == consist::json_digest(consist::load_json_file(plain)));
  // Only at the start: anywhere else it is a character outside a string, an error.
  write_file(marked, "{\"b\": 1}\xEF\xBB\xBF");
  CHECK_THROWS_AS(consist::load_json_file(marked), consist::usage_error);
}

TEST_CASE("load_json_file: a number is the double it denotes, whatever its spelling") {
  // The shortest spelling and 17 digits of one double each; the compiler
  // rounds a literal correctly, as strtod and Python do.
  const auto p1 = scratch("number1.json");
  const auto p2 = scratch("number2.json");
  write_file(p1, R"({"x": 55.093158503943052, "y": [949.30120289264414]})");
  write_file(p2, R"({"x": 55.09315850394305, "y": [949.30120289264414]})");
  const auto a = consist::load_json_file(p1);
  CHECK(a.at("x").as_double() == 55.093158503943052);
  CHECK(a.at("y").at(0).as_double() == 949.30120289264414);
  CHECK(consist::json_digest(a) == consist::json_digest(consist::load_json_file(p2)));
  // The neighbouring double is another value, and another identity.
  write_file(p2, R"({"x": 55.093158503943052, "y": [949.301202892644]})");
  CHECK(consist::load_json_file(p2).at("y").at(0).as_double() == 949.301202892644);
  CHECK(consist::json_digest(a) != consist::json_digest(consist::load_json_file(p2)));
  // Beyond the range of a double, as strtod reads it; an integer stays exact.
  write_file(p2, "[1e400, -1e400, 1e-400, 4.9e-324, 18446744073709551616, 9007199254740993] // end");
  const auto b = consist::load_json_file(p2);
  CHECK(b.at(0).as_double() == std::numeric_limits<double>::infinity());
  CHECK(b.at(1).as_double() == -std::numeric_limits<double>::infinity());
  CHECK(b.at(2).as_double() == 0.0);
  CHECK(b.at(3).as_double() == std::numeric_limits<double>::denorm_min());
  CHECK(b.at(4).as_double() == 18446744073709551616.0);
  CHECK(b.at(5).as_int64() == 9007199254740993);
}

TEST_CASE("load_json_file: a key given twice in one object is a usage_error naming it and where") {
  // Boost.JSON keeps the last of the two, RapidJSON's FindMember the first:
  // no one identity stands for what every program reads.
  const auto deck = scratch("duplicate.json");
  write_file(deck, "{\n  \"dt\": 0.1,\n  \"grid\": {\"n\": 4},\n  \"dt\": 0.2\n}\n");
  try {
    (void)consist::load_json_file(deck);
    FAIL("no exception");
  } catch (const consist::usage_error& e) {
    CHECK(e.problem().find("duplicate.json") != std::string::npos);
    CHECK(e.problem().find("\"dt\" twice") != std::string::npos);
    CHECK(e.problem().find("line 4") != std::string::npos);
    CHECK(e.suggested_fix().find("remove one") != std::string::npos);
  }
  // The same name in different objects, or nested at any depth, is no duplicate.
  write_file(deck, R"({"a": {"n": 1, "m": {"n": 2}}, "n": [{"n": 3}, {"n": 4}], "\u006e2": 1, "n3": 0})");
  CHECK(consist::load_json_file(deck).at("a").at("m").at("n") == 2);
  // Spelled apart but one key once unescaped.
  write_file(deck, R"({"b": {"\u00e9": 1, "é": 2}})");
  CHECK_THROWS_WITH_AS(consist::load_json_file(deck), doctest::Contains("twice"), consist::usage_error);
}

TEST_CASE("json_adapter: a config nested deeper than a deck file may be is a usage_error before it is described") {
  // The store reads a record back only to a bounded depth: a deeper config
  // would have left a record (and a snapshot) that no query could read.
  const auto nested = [](std::size_t depth) {
    boost::json::value v = 1;
    for (std::size_t i = 0; i < depth; ++i) v = boost::json::array{std::move(v)};
    return v;
  };
  const auto deep = nested(consist::detail::json_max_depth);
  CHECK(consist::json_adapter::describe(deep).fields.size() == 1);
  const auto deck = scratch("deep.json");
  write_file(deck, boost::json::serialize(deep));
  CHECK(consist::load_json_file(deck) == deep);
  boost::json::value deeper = boost::json::object{{"k", deep}};
  CHECK_THROWS_WITH_AS(consist::json_adapter::describe(deeper), doctest::Contains("more than 256 levels deep"),
                       consist::usage_error);
  CHECK_THROWS_AS(consist::json_adapter::describe(nested(600)), consist::usage_error);
  write_file(deck, boost::json::serialize(deeper));
  CHECK_THROWS_AS(consist::load_json_file(deck), consist::usage_error);
}

TEST_CASE("load_json_file: a missing file or a directory is an identity_error") {
  const auto missing = scratch("does-not-exist.json");
  std::filesystem::remove(missing);
  try {
    (void)consist::load_json_file(missing);
    FAIL("no exception");
  } catch (const consist::identity_error& e) {
    CHECK(e.problem().find("does not exist") != std::string::npos);
    CHECK(e.problem().find("does-not-exist.json") != std::string::npos);
    CHECK_FALSE(e.likely_cause().empty());
    CHECK_FALSE(e.suggested_fix().empty());
  }
  CHECK_THROWS_WITH_AS(consist::load_json_file(scratch("")), doctest::Contains("is a directory"),
                       consist::identity_error);
}

TEST_CASE("load_json_file: a syntax error is a usage_error with line and column") {
  const auto bad = scratch("bad.json");
  write_file(bad, "{\n  \"a\": 1,\n  \"b\": [1, 2,, 3]\n}\n");
  try {
    (void)consist::load_json_file(bad);
    FAIL("no exception");
  } catch (const consist::usage_error& e) {
    CHECK(e.problem().find("bad.json") != std::string::npos);
    CHECK(e.problem().find("line 3, column 14") != std::string::npos);
    CHECK(std::string(e.what()).find("Suggested fix: ") != std::string::npos);
  }
  write_file(bad, "{\"a\": 1");
  CHECK_THROWS_WITH_AS(consist::load_json_file(bad), doctest::Contains("line 1"), consist::usage_error);
  write_file(bad, "{\"a\": 1} trailing");
  CHECK_THROWS_AS(consist::load_json_file(bad), consist::usage_error);
  write_file(bad, "");
  CHECK_THROWS_AS(consist::load_json_file(bad), consist::usage_error);
}
