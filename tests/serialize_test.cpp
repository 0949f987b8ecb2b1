// Faithful serialization: exact round trips of every supported type, and
// refusal (integrity_error, never a crash or a huge allocation) of truncated,
// damaged, foreign and hostile bytes.
#include <consist/encode/serialize.hpp>

#include <doctest/doctest.h>

#include <boost/hana/adapt_adt.hpp>

#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace stored {

enum class phase : std::int16_t { early = -3, late = 9 };

struct inner {
  BOOST_HANA_DEFINE_STRUCT(inner, (double, x), (std::vector<std::string>, tags));
  friend bool operator==(const inner&, const inner&) = default;
};

struct result {
  BOOST_HANA_DEFINE_STRUCT(result, (bool, ok), (std::int8_t, i8), (std::uint16_t, u16), (std::int32_t, i32),
                           (std::uint64_t, u64), (std::int64_t, i64), (char, c), (char8_t, c8), (char16_t, c16),
                           (char32_t, c32), (wchar_t, wc), (float, f), (double, d), (std::string, s),
                           (std::filesystem::path, p), (phase, ph), (std::optional<int>, maybe),
                           (std::optional<std::string>, none), (std::vector<double>, series),
                           (std::array<std::int64_t, 3>, triple), (std::set<std::string>, names),
                           (std::unordered_set<int>, ids), (std::map<std::string, inner>, by_name),
                           (std::unordered_map<int, std::vector<int>>, groups), (std::pair<int, std::string>, pr),
                           (std::tuple<bool, double, phase>, tup), (inner, nested), (std::vector<bool>, flags));
  friend bool operator==(const result&, const result&) = default;
};

struct with_view {
  BOOST_HANA_DEFINE_STRUCT(with_view, (std::string_view, name));
};
struct with_const {
  BOOST_HANA_DEFINE_STRUCT(with_const, (const int, n));
};
struct no_default {
  BOOST_HANA_DEFINE_STRUCT(no_default, (int, n));
  explicit no_default(int v) : n(v) {}
};
struct opaque {
  int n;
};

result sample() {
  result r;
  r.ok = true;
  r.i8 = -128;
  r.u16 = 65535;
  r.i32 = -123456789;
  r.u64 = std::numeric_limits<std::uint64_t>::max();
  r.i64 = std::numeric_limits<std::int64_t>::min();
  r.c = '\xff';
  r.c8 = u8'z';
  r.c16 = u'\u20ac';
  r.c32 = U'\U0001F600';
  r.wc = L'w';
  r.f = 3.25f;
  r.d = -1e-300;
  r.s = std::string("nul\0byte \xc3\x28 bad utf8", 20);
  r.p = std::filesystem::path("runs dir") / "out put.nc";
  r.ph = phase::early;
  r.maybe = 0;
  r.series = {3.0, 1.0, 2.0, std::numeric_limits<double>::denorm_min()};
  r.triple = {std::numeric_limits<std::int64_t>::max(), 0, -1};
  r.names = {"b", "a", ""};
  r.ids = {5, -7, 1000000};
  r.by_name = {{"k", inner{0.5, {"t1", "t2"}}}, {"", inner{-2, {}}}};
  r.groups = {{1, {1, 2}}, {-1, {}}};
  r.pr = {4, "four"};
  r.tup = {false, 2.5, phase::late};
  r.nested = inner{9.75, {"x"}};
  r.flags = {true, false, true};
  return r;
}

struct result_with_extra {  // `notes` is outside the macro: a hit would restore it empty
  BOOST_HANA_DEFINE_STRUCT(result_with_extra, (double, energy));
  std::string notes;
};

// Reflected through accessor functions (BOOST_HANA_ADAPT_ADT): one whose
// getters return copies, which a restored value cannot be assigned through,
// and one whose accessors return references to the members.
class by_getters {
 public:
  by_getters() = default;
  by_getters(std::string n, std::vector<double> s) : name_(std::move(n)), scores_(std::move(s)) {}
  const std::string& name() const { return name_; }
  std::vector<double> scores() const { return scores_; }

 private:
  std::string name_;
  std::vector<double> scores_;
};
struct by_references {
  std::string name;
  std::vector<double> scores;
  friend bool operator==(const by_references&, const by_references&) = default;
};

}  // namespace stored

BOOST_HANA_ADAPT_ADT(stored::by_getters, (name, [](const stored::by_getters& g) { return g.name(); }),
                     (scores, [](const stored::by_getters& g) { return g.scores(); }));
BOOST_HANA_ADAPT_ADT(stored::by_references, (name, [](auto& r) -> auto& { return r.name; }),
                     (scores, [](auto& r) -> auto& { return r.scores; }));

namespace units {

// A type that cannot be reflected: a private member guarded by an invariant.
class kelvin {
 public:
  explicit kelvin(double k) : k_(k) {
    if (k < 0) throw std::invalid_argument("negative temperature");
  }
  double value() const { return k_; }
  friend bool operator==(const kelvin&, const kelvin&) = default;

 private:
  double k_;
};
void consist_encode(consist::byte_sink auto& sink, const kelvin& t) { consist::encode(sink, t.value()); }
constexpr std::string_view consist_schema(consist::type_t<kelvin>) { return "units::kelvin/1"; }
void consist_serialize(consist::byte_sink auto& sink, const kelvin& t) { consist::serialize_into(sink, t.value()); }
kelvin consist_deserialize(consist::type_t<kelvin>, consist::byte_reader& r) {
  const double k = consist::deserialize_from<double>(r);
  if (!(k >= 0)) consist::byte_reader::fail("a negative temperature");  // the invariant holds for stored values too
  return kelvin(k);
}

// Hashable but not storable: no serialization hooks.
struct tag_only {
  int v;
};
void consist_encode(consist::byte_sink auto& sink, const tag_only& t) { consist::encode(sink, t.v); }
constexpr std::string_view consist_schema(consist::type_t<tag_only>) { return "units::tag_only/1"; }

}  // namespace units

static_assert(consist::serializable<stored::result>);
static_assert(consist::serializable<units::kelvin>);
static_assert(consist::serializable<std::vector<units::kelvin>>);
static_assert(consist::serializable<std::vector<bool>>);
static_assert(consist::encodable<units::tag_only>);
static_assert(!consist::serializable<units::tag_only>);
static_assert(!consist::serializable<std::string_view>);
static_assert(!consist::serializable<stored::with_view>);
static_assert(consist::encodable<stored::with_view>);
static_assert(!consist::serializable<stored::with_const>);
static_assert(!consist::serializable<stored::no_default>);
static_assert(!consist::serializable<stored::opaque>);
static_assert(!consist::serializable<stored::result_with_extra>);
static_assert(!consist::serializable<std::tuple<int&>>);

namespace {

template <class T>
T round_trip(const T& v) {
  return consist::deserialize<T>(consist::serialize(v));
}

template <class T>
void check_round_trip(const T& v) {
  CHECK(round_trip(v) == v);
}

std::uint64_t next(std::uint64_t& state) {  // xorshift64*: a fixed, portable sequence
  state ^= state >> 12;
  state ^= state << 25;
  state ^= state >> 27;
  return state * 0x2545F4914F6CDD1DULL;
}

void patch_u64(std::vector<std::uint8_t>& b, std::size_t at, std::uint64_t v) {
  for (std::size_t i = 0; i < 8; ++i) b[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
}

}  // namespace

TEST_CASE("a struct holding every supported kind round-trips exactly") {
  const stored::result r = stored::sample();
  const auto bytes = consist::serialize(r);
  CHECK(round_trip(r) == r);
  // The header: format version, then the schema hash of the type.
  REQUIRE(bytes.size() > 9);
  CHECK(bytes[0] == consist::serialization_format);
  std::uint64_t schema = 0;
  for (int i = 7; i >= 0; --i) schema = (schema << 8) | bytes[static_cast<std::size_t>(1 + i)];
  CHECK(schema == consist::schema_hash<stored::result>());
}

TEST_CASE("every scalar, string and path round-trips") {
  check_round_trip(true);
  check_round_trip(false);
  check_round_trip(std::numeric_limits<std::int8_t>::min());
  check_round_trip(std::numeric_limits<std::uint8_t>::max());
  check_round_trip(std::numeric_limits<std::int16_t>::min());
  check_round_trip(std::numeric_limits<std::uint16_t>::max());
  check_round_trip(std::numeric_limits<std::int32_t>::min());
  check_round_trip(std::numeric_limits<std::uint32_t>::max());
  check_round_trip(std::numeric_limits<std::int64_t>::min());
  check_round_trip(std::numeric_limits<std::uint64_t>::max());
  check_round_trip('\x80');
  check_round_trip(u8'\x7f');
  check_round_trip(u'\xffff');
  check_round_trip(U'\U0010FFFF');
  check_round_trip(L'\x1234');
  check_round_trip(std::numeric_limits<double>::max());
  check_round_trip(std::numeric_limits<double>::lowest());
  check_round_trip(std::numeric_limits<float>::denorm_min());
  check_round_trip(std::numeric_limits<double>::infinity());
  check_round_trip(std::string());
  check_round_trip(std::string(1000, '\0'));
  check_round_trip(std::filesystem::path("/abs/p\xc3\xa4th/with space"));
  check_round_trip(std::filesystem::path());
  check_round_trip(stored::phase::late);
}

TEST_CASE("float bits are kept: -0.0 and NaN payloads survive") {
  const double neg_zero = round_trip(-0.0);
  CHECK(std::signbit(neg_zero));
  const double payload = std::bit_cast<double>(std::uint64_t{0x7ff8000000000123ULL});
  CHECK(std::bit_cast<std::uint64_t>(round_trip(payload)) == 0x7ff8000000000123ULL);
  const double negative_nan = std::bit_cast<double>(std::uint64_t{0xfff8000000000000ULL});
  CHECK(std::bit_cast<std::uint64_t>(round_trip(negative_nan)) == 0xfff8000000000000ULL);
  const float fpayload = std::bit_cast<float>(std::uint32_t{0x7fc00042U});
  CHECK(std::bit_cast<std::uint32_t>(round_trip(fpayload)) == 0x7fc00042U);
  CHECK(std::signbit(round_trip(-0.0f)));
  // ... whereas the identity treats them as one value.
  CHECK(consist::serialize(-0.0) != consist::serialize(0.0));
  CHECK(consist::digest(-0.0) == consist::digest(0.0));
}

TEST_CASE("containers round-trip, and sequence order is kept") {
  const std::vector<int> order{3, 1, 2};
  CHECK(round_trip(order) == order);
  check_round_trip(std::vector<std::string>{});
  check_round_trip(std::vector<std::vector<int>>{{}, {1}, {2, 3}});
  check_round_trip(std::array<double, 0>{});
  check_round_trip(std::array<std::string, 2>{"a", "b"});
  check_round_trip(std::optional<int>{});
  check_round_trip(std::optional<std::vector<int>>{std::vector<int>{}});
  check_round_trip(std::set<double>{-1.5, 0, 7});
  check_round_trip(std::unordered_set<std::string>{"x", "y", "z"});
  check_round_trip(std::map<int, std::optional<std::string>>{{1, "a"}, {2, std::nullopt}});
  check_round_trip(std::unordered_map<std::string, std::map<int, int>>{{"a", {{1, 2}}}, {"b", {}}});
  check_round_trip(std::tuple<>{});
  check_round_trip(std::pair<std::string, stored::phase>{"p", stored::phase::early});
  check_round_trip(std::vector<bool>{true, true, false});
  check_round_trip(std::map<std::tuple<int, std::string>, std::set<int>>{{{1, "a"}, {1, 2}}});
}

TEST_CASE("a struct whose accessors return copies is not serializable; one whose accessors return references is") {
  // Restoring field by field assigns through the accessor: to a copy, the
  // value would be dropped and a hit would return an empty struct.
  CHECK(consist::encodable<stored::by_getters>);
  CHECK_FALSE(consist::serializable<stored::by_getters>);
  CHECK(consist::serializable<stored::by_references>);
  check_round_trip(stored::by_references{"ada", {1.5, -0.0}});
}

TEST_CASE("custom types round-trip through consist_serialize / consist_deserialize") {
  check_round_trip(units::kelvin(273.15));
  check_round_trip(std::vector<units::kelvin>{units::kelvin(1), units::kelvin(2)});
  check_round_trip(std::optional<units::kelvin>{units::kelvin(0)});
  // A hook may refuse stored bytes that break the type's invariant.
  auto bytes = consist::serialize(units::kelvin(1));
  bytes.back() |= 0x80;  // the sign bit of the stored double
  CHECK_THROWS_WITH_AS(consist::deserialize<units::kelvin>(bytes), doctest::Contains("negative temperature"),
                       consist::integrity_error);
}

TEST_CASE("bytes stored for another type or format are refused") {
  const auto bytes = consist::serialize(stored::sample());
  CHECK_THROWS_WITH_AS(consist::deserialize<stored::inner>(bytes), doctest::Contains("different schema"),
                       consist::integrity_error);
  CHECK_THROWS_AS(consist::deserialize<std::int64_t>(consist::serialize(std::int32_t{5})), consist::integrity_error);
  CHECK_THROWS_AS(consist::deserialize<std::vector<double>>(consist::serialize(std::vector<float>{1})),
                  consist::integrity_error);
  auto wrong_format = bytes;
  wrong_format[0] = 99;
  CHECK_THROWS_WITH_AS(consist::deserialize<stored::result>(wrong_format), doctest::Contains("format 99"),
                       consist::integrity_error);
  CHECK_THROWS_AS(consist::deserialize<int>(std::span<const std::uint8_t>{}), consist::integrity_error);
}

TEST_CASE("every truncation of a stored value is refused") {
  const auto bytes = consist::serialize(stored::sample());
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    const std::span<const std::uint8_t> cut(bytes.data(), n);
    CHECK_THROWS_AS(consist::deserialize<stored::result>(cut), consist::integrity_error);
  }
}

TEST_CASE("trailing bytes are refused") {
  auto bytes = consist::serialize(std::string("abc"));
  bytes.push_back(0);
  CHECK_THROWS_WITH_AS(consist::deserialize<std::string>(bytes), doctest::Contains("unexpected bytes"),
                       consist::integrity_error);
}

TEST_CASE("lengths larger than the remaining bytes are refused before allocating") {
  // [format][schema u64][tag][element schema u64][count u64]...
  auto vec = consist::serialize(std::vector<int>{1, 2});
  const std::size_t count_at = 1 + 8 + 1 + 8;
  for (std::uint64_t huge : {std::uint64_t{3}, std::uint64_t{1} << 40, ~std::uint64_t{0}}) {
    patch_u64(vec, count_at, huge);
    CHECK_THROWS_AS(consist::deserialize<std::vector<int>>(vec), consist::integrity_error);
  }
  auto text = consist::serialize(std::string("hello"));
  patch_u64(text, 1 + 8 + 1, std::uint64_t{1} << 62);
  CHECK_THROWS_WITH_AS(consist::deserialize<std::string>(text), doctest::Contains("exceeds"),
                       consist::integrity_error);
  auto nested = consist::serialize(std::vector<std::vector<std::string>>{{"a"}});
  patch_u64(nested, count_at, 1000);
  CHECK_THROWS_AS(consist::deserialize<std::vector<std::vector<std::string>>>(nested), consist::integrity_error);
}

TEST_CASE("impossible flags, duplicate keys, wrong extents and wrong field names are refused") {
  auto flag = consist::serialize(true);
  flag.back() = 2;
  CHECK_THROWS_AS(consist::deserialize<bool>(flag), consist::integrity_error);

  auto opt = consist::serialize(std::optional<int>{});
  opt.back() = 7;
  CHECK_THROWS_AS(consist::deserialize<std::optional<int>>(opt), consist::integrity_error);

  // {1: 2, 3: 4} with the second key rewritten to 1.
  auto dup = consist::serialize(std::map<std::int32_t, std::int32_t>{{1, 2}, {3, 4}});
  const std::size_t second_key = 1 + 8 + 1 + 8 + 8 + 8 + 2 * 5 + 1;
  REQUIRE(dup[second_key] == 3);
  dup[second_key] = 1;
  CHECK_THROWS_WITH_AS((consist::deserialize<std::map<std::int32_t, std::int32_t>>(dup)),
                       doctest::Contains("duplicate key"), consist::integrity_error);

  auto name = consist::serialize(stored::inner{1, {}});
  const auto pos = std::string(name.begin(), name.end()).find("tags");
  REQUIRE(pos != std::string::npos);
  name[pos] = 'T';
  CHECK_THROWS_WITH_AS(consist::deserialize<stored::inner>(name), doctest::Contains("field name"),
                       consist::integrity_error);
}

TEST_CASE("random damage never crashes: the result is the value or integrity_error") {
  const auto original = consist::serialize(stored::sample());
  std::uint64_t state = 0x9e3779b97f4a7c15ULL;
  int refused = 0;
  for (int round = 0; round < 3000; ++round) {
    auto bytes = original;
    const int edits = 1 + static_cast<int>(next(state) % 4);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = next(state) % bytes.size();
      switch (next(state) % 3) {
        case 0: bytes[at] = static_cast<std::uint8_t>(next(state)); break;
        case 1: bytes[at] ^= static_cast<std::uint8_t>(1u << (next(state) % 8)); break;
        default: bytes.resize(at + 1); break;
      }
    }
    try {
      (void)consist::deserialize<stored::result>(bytes);
    } catch (const consist::integrity_error&) {
      ++refused;
    }
  }
  CHECK(refused > 2000);  // most damage is caught; the rest decodes to some value
}
