// The reflect adapter's identity encoding: every rule of DESIGN.md "Identity"
// for reflected configs, the compile-time schema hash, field digests and the
// customization point.
#include <consist/encode/reflect.hpp>

#include <boost/hana/adapt_adt.hpp>

#include <doctest/doctest.h>

#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace cfg {

struct demand_ab {
  BOOST_HANA_DEFINE_STRUCT(demand_ab, (double, alpha), (int, beta));
};
struct demand_ba {  // same fields, declared in the other order
  BOOST_HANA_DEFINE_STRUCT(demand_ba, (int, beta), (double, alpha));
};
struct demand_renamed {
  BOOST_HANA_DEFINE_STRUCT(demand_renamed, (double, alpha2), (int, beta));
};
struct demand_int {  // alpha's type changed
  BOOST_HANA_DEFINE_STRUCT(demand_int, (int, alpha), (int, beta));
};
struct model {
  BOOST_HANA_DEFINE_STRUCT(model, (std::string, name), (demand_ab, demand), (std::vector<int>, zones));
};
struct model_int {
  BOOST_HANA_DEFINE_STRUCT(model_int, (std::string, name), (demand_int, demand), (std::vector<int>, zones));
};
struct adapted {  // plain struct, reflected from outside
  double alpha;
  int beta;
};
struct opaque {  // not reflected
  int x;
};
struct tree {  // contains itself: no finite schema
  BOOST_HANA_DEFINE_STRUCT(tree, (int, value), (std::vector<tree>, children));
};
// Structs with state reflection does not name: each would leave a member out of
// the identity (and out of a restored value), so none is encodable.
struct inherits_macro : demand_ab {  // sees demand_ab's fields only
  double gamma = 0;
};
struct reflects_own_only : demand_ab {  // names gamma, not the base's alpha and beta
  BOOST_HANA_DEFINE_STRUCT(reflects_own_only, (double, gamma));
};
struct member_outside {
  BOOST_HANA_DEFINE_STRUCT(member_outside, (double, alpha));
  std::optional<int> hidden;
};
struct adapted_partly {
  double alpha;
  int beta;
};
struct with_constructor {  // not an aggregate: fields cannot be counted, the macro is trusted
  with_constructor() = default;
  explicit with_constructor(int b) : beta(b) {}
  BOOST_HANA_DEFINE_STRUCT(with_constructor, (int, beta));
};
enum class color : int { red = 1, green = 2 };
enum class small_color : std::uint8_t { red = 1 };
enum plain_enum { first = 1 };

}  // namespace cfg

BOOST_HANA_ADAPT_STRUCT(cfg::adapted, beta, alpha);
BOOST_HANA_ADAPT_STRUCT(cfg::adapted_partly, alpha);

namespace cfg {
struct through_functions {  // reflected through accessor functions, not member pointers
  double alpha;
  int beta;
};
}  // namespace cfg

BOOST_HANA_ADAPT_ADT(cfg::through_functions, (beta, [](const auto& c) { return c.beta; }),
                     (alpha, [](const auto& c) { return c.alpha; }));

namespace geo {

// A type that cannot be reflected: private members, a constructor.
class point {
 public:
  constexpr point(double x, double y) : x_(x), y_(y) {}
  constexpr double x() const { return x_; }
  constexpr double y() const { return y_; }

 private:
  double x_;
  double y_;
};

void consist_encode(consist::byte_sink auto& sink, const point& p) {
  consist::encode(sink, p.x());
  consist::encode(sink, p.y());
}
constexpr std::string_view consist_schema(consist::type_t<point>) { return "geo::point/1"; }

// The same encoding under a new schema name: a deliberate break of identity.
class point_v2 : public point {
  using point::point;
};
void consist_encode(consist::byte_sink auto& sink, const point_v2& p) {
  consist::encode(sink, p.x());
  consist::encode(sink, p.y());
}
constexpr std::string_view consist_schema(consist::type_t<point_v2>) { return "geo::point/2"; }

}  // namespace geo

namespace {

std::vector<std::uint8_t> le(std::uint64_t v, int n) {
  std::vector<std::uint8_t> out;
  for (int i = 0; i < n; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  return out;
}

std::vector<std::uint8_t> cat(std::initializer_list<std::vector<std::uint8_t>> parts) {
  std::vector<std::uint8_t> out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

std::vector<std::uint8_t> text(std::string_view s) {
  auto out = le(s.size(), 8);
  out.insert(out.end(), s.begin(), s.end());
  return out;
}

}  // namespace

// What is encodable.
static_assert(consist::encodable<cfg::model>);
static_assert(consist::encodable<cfg::adapted>);
static_assert(consist::encodable<geo::point>);
static_assert(consist::encodable<std::string_view>);
static_assert(consist::encodable<std::tuple<int, std::map<std::string, std::set<cfg::color>>>>);
static_assert(!consist::encodable<cfg::opaque>);
static_assert(!consist::encodable<std::vector<cfg::opaque>>);
static_assert(!consist::encodable<std::map<std::string, cfg::opaque>>);
static_assert(!consist::encodable<int*>);
static_assert(!consist::encodable<const char*>);
static_assert(!consist::encodable<long double>);
static_assert(!consist::encodable<cfg::tree>);
static_assert(!consist::encodable<cfg::inherits_macro>);
static_assert(!consist::encodable<cfg::reflects_own_only>);
static_assert(!consist::encodable<cfg::member_outside>);
static_assert(!consist::encodable<cfg::adapted_partly>);
static_assert(!consist::encodable<std::vector<cfg::member_outside>>);
static_assert(consist::encodable<cfg::with_constructor>);

// schema_hash is a compile-time constant over names and types, not order.
static_assert(consist::schema_hash<cfg::model>() != 0);
static_assert(consist::schema_hash<cfg::demand_ab>() == consist::schema_hash<cfg::demand_ba>());
static_assert(consist::schema_hash<cfg::demand_ab>() == consist::schema_hash<cfg::adapted>());
static_assert(consist::schema_hash<cfg::demand_ab>() != consist::schema_hash<cfg::demand_renamed>());
static_assert(consist::schema_hash<cfg::demand_ab>() != consist::schema_hash<cfg::demand_int>());
static_assert(consist::schema_hash<cfg::model>() != consist::schema_hash<cfg::model_int>());  // nested change
static_assert(consist::schema_hash<std::vector<int>>() != consist::schema_hash<std::vector<std::int64_t>>());
static_assert(consist::schema_hash<std::vector<int>>() != consist::schema_hash<std::vector<unsigned>>());
static_assert(consist::schema_hash<std::array<int, 3>>() != consist::schema_hash<std::array<int, 4>>());
static_assert(consist::schema_hash<std::optional<int>>() != consist::schema_hash<int>());
static_assert(consist::schema_hash<std::tuple<int, double>>() != consist::schema_hash<std::tuple<double, int>>());
static_assert(consist::schema_hash<std::map<std::string, int>>() ==
              consist::schema_hash<std::unordered_map<std::string, int>>());
static_assert(consist::schema_hash<cfg::color>() != consist::schema_hash<int>());
static_assert(consist::schema_hash<cfg::color>() != consist::schema_hash<cfg::small_color>());
static_assert(consist::schema_hash<geo::point>() != consist::schema_hash<geo::point_v2>());
static_assert(consist::schema_hash<const cfg::model&>() == consist::schema_hash<cfg::model>());

TEST_CASE("declaration order of fields does not change the digest") {
  CHECK(consist::digest(cfg::demand_ab{1.5, 2}) == consist::digest(cfg::demand_ba{2, 1.5}));
  CHECK(consist::digest(cfg::adapted{1.5, 2}) == consist::digest(cfg::demand_ab{1.5, 2}));
  CHECK(consist::digest(cfg::demand_ab{1.5, 2}) != consist::digest(cfg::demand_ab{1.5, 3}));
}

TEST_CASE("renaming a field changes the digest") {
  CHECK(consist::digest(cfg::demand_ab{1.5, 2}) != consist::digest(cfg::demand_renamed{1.5, 2}));
}

TEST_CASE("int 1 and double 1.0 differ, and so do integer widths and character types") {
  CHECK(consist::digest(1) != consist::digest(1.0));
  CHECK(consist::digest(1.0f) != consist::digest(1.0));
  CHECK(consist::digest(cfg::demand_ab{1.0, 2}) != consist::digest(cfg::demand_int{1, 2}));
  CHECK(consist::digest(std::int32_t{1}) != consist::digest(std::int64_t{1}));
  CHECK(consist::digest(std::int32_t{1}) != consist::digest(std::uint32_t{1}));
  CHECK(consist::digest(std::int8_t{97}) != consist::digest('a'));
  CHECK(consist::digest(std::uint8_t{97}) != consist::digest('a'));
  CHECK(consist::digest(u8'a') != consist::digest('a'));
  CHECK(consist::digest(u'a') != consist::digest(U'a'));
  CHECK(consist::digest(true) != consist::digest(std::uint8_t{1}));
  // Tags follow width and signedness, not spelling: same-width types agree.
  if constexpr (sizeof(long) == sizeof(long long)) CHECK(consist::digest(7L) == consist::digest(7LL));
  CHECK(consist::digest(std::numeric_limits<std::uint64_t>::max()) !=
        consist::digest(std::numeric_limits<std::int64_t>::max()));
}

TEST_CASE("-0.0 encodes as 0.0 and every NaN the same") {
  CHECK(consist::digest(-0.0) == consist::digest(0.0));
  CHECK(consist::digest(-0.0f) == consist::digest(0.0f));
  CHECK(consist::digest(cfg::demand_ab{-0.0, 1}) == consist::digest(cfg::demand_ab{0.0, 1}));
  const auto nan = consist::digest(std::numeric_limits<double>::quiet_NaN());
  CHECK(consist::digest(-std::numeric_limits<double>::quiet_NaN()) == nan);
  CHECK(consist::digest(std::nan("42")) == nan);
  CHECK(consist::digest(std::numeric_limits<double>::signaling_NaN()) == nan);
  CHECK(consist::digest(std::nanf("1")) == consist::digest(std::numeric_limits<float>::quiet_NaN()));
  CHECK(consist::digest(std::numeric_limits<double>::infinity()) != nan);
  CHECK(consist::digest(0.1) != consist::digest(0.1f));
}

TEST_CASE("unordered containers give the same digest whatever the insertion order") {
  std::unordered_map<std::string, int> forward;
  std::unordered_map<std::string, int> backward(1000);  // other bucket count, other iteration order
  std::unordered_set<int> fs;
  std::unordered_set<int> bs(1000);
  for (int i = 0; i < 200; ++i) {
    forward.emplace("k" + std::to_string(i), i);
    fs.insert(i * 7919);
  }
  for (int i = 199; i >= 0; --i) {
    backward.emplace("k" + std::to_string(i), i);
    bs.insert(i * 7919);
  }
  CHECK(consist::digest(forward) == consist::digest(backward));
  CHECK(consist::digest(fs) == consist::digest(bs));
  // map and unordered_map (set and unordered_set) with equal contents agree.
  const std::map<std::string, int> ordered(forward.begin(), forward.end());
  CHECK(consist::digest(ordered) == consist::digest(forward));
  CHECK(consist::digest(std::set<int>(fs.begin(), fs.end())) == consist::digest(fs));
  backward["k7"] = -1;
  CHECK(consist::digest(forward) != consist::digest(backward));
  // Keys whose identity is equal collapse the same way whatever their order.
  std::unordered_map<int, std::string> m1{{-5, "a"}, {3, "b"}, {-1, "c"}};
  std::unordered_map<int, std::string> m2{{-1, "c"}, {3, "b"}, {-5, "a"}};
  CHECK(consist::digest(m1) == consist::digest(m2));
}

TEST_CASE("an empty vector differs from an absent optional, and empty containers keep their type") {
  CHECK(consist::digest(std::vector<int>{}) != consist::digest(std::optional<std::vector<int>>{}));
  CHECK(consist::digest(std::optional<std::vector<int>>{std::vector<int>{}}) !=
        consist::digest(std::optional<std::vector<int>>{}));
  CHECK(consist::digest(std::vector<int>{}) != consist::digest(std::vector<double>{}));
  CHECK(consist::digest(std::optional<int>{}) != consist::digest(std::optional<double>{}));
  CHECK(consist::digest(std::map<int, int>{}) != consist::digest(std::map<int, double>{}));
  CHECK(consist::digest(std::optional<int>{0}) != consist::digest(std::optional<int>{}));
  CHECK(consist::digest(std::vector<int>{}) != consist::digest(std::set<int>{}));
}

TEST_CASE("nested structs: a change deep inside changes the digest and names the field") {
  const cfg::model base{"m", {0.5, 3}, {1, 2, 3}};
  cfg::model changed = base;
  changed.demand.alpha = 0.25;
  CHECK(consist::digest(base) != consist::digest(changed));
  CHECK(consist::digest(base) == consist::digest(cfg::model{"m", {0.5, 3}, {1, 2, 3}}));

  const auto fa = consist::field_digests(base);
  REQUIRE(fa.size() == 4);
  CHECK(fa[0].path == "demand.alpha");
  CHECK(fa[1].path == "demand.beta");
  CHECK(fa[2].path == "name");
  CHECK(fa[3].path == "zones");
  CHECK(fa[0].digest == consist::digest(0.5));
  CHECK(fa[3].digest == consist::digest(std::vector<int>{1, 2, 3}));
  CHECK(consist::changed_fields(fa, consist::field_digests(changed)) == std::vector<std::string>{"demand.alpha"});

  changed.zones.push_back(4);
  changed.name = "n";
  CHECK(consist::changed_fields(fa, consist::field_digests(changed)) ==
        std::vector<std::string>{"demand.alpha", "name", "zones"});
  // A renamed field shows as one path removed and one added.
  CHECK(consist::changed_fields(consist::field_digests(cfg::demand_ab{1, 2}),
                                consist::field_digests(cfg::demand_renamed{1, 2})) ==
        std::vector<std::string>{"alpha", "alpha2"});
  // A value that is not a struct is one leaf.
  const auto leaf = consist::field_digests(42);
  REQUIRE(leaf.size() == 1);
  CHECK(leaf[0].path == "$");
}

TEST_CASE("enums encode their underlying value, tagged apart from integers") {
  CHECK(consist::digest(cfg::color::red) != consist::digest(1));
  CHECK(consist::digest(cfg::color::red) != consist::digest(cfg::color::green));
  CHECK(consist::digest(cfg::color::red) != consist::digest(cfg::small_color::red));
  CHECK(consist::digest(cfg::first) != consist::digest(static_cast<std::underlying_type_t<cfg::plain_enum>>(1)));
  CHECK(consist::canonical_bytes(cfg::color::green) == cat({{0x28, 0x04}, le(2, 4)}));
}

TEST_CASE("strings are length-prefixed; string_view encodes as string; paths by generic string") {
  CHECK(consist::digest(std::tuple<std::string, std::string>{"ab", "c"}) !=
        consist::digest(std::tuple<std::string, std::string>{"a", "bc"}));
  CHECK(consist::digest(std::string("abc")) == consist::digest(std::string_view("abc")));
  CHECK(consist::digest(std::filesystem::path("a/b.nc")) != consist::digest(std::string("a/b.nc")));
  CHECK(consist::digest(std::filesystem::path("a/b.nc")) == consist::digest(std::filesystem::path("a") / "b.nc"));
  CHECK(consist::digest(std::filesystem::path("a/b.nc")) != consist::digest(std::filesystem::path("a/c.nc")));
  CHECK(consist::canonical_bytes(std::filesystem::path("d/f")) == cat({{0x21}, text("d/f")}));
}

TEST_CASE("pairs and tuples; arrays; vector<bool>") {
  CHECK(consist::digest(std::pair<int, double>{1, 2.0}) == consist::digest(std::tuple<int, double>{1, 2.0}));
  CHECK(consist::digest(std::tuple<int, double>{1, 2.0}) != consist::digest(std::tuple<double, int>{2.0, 1}));
  CHECK(consist::digest(std::array<int, 2>{1, 2}) != consist::digest(std::vector<int>{1, 2}));
  CHECK(consist::digest(std::vector<int>{1, 2}) != consist::digest(std::vector<int>{2, 1}));
  CHECK(consist::digest(std::vector<bool>{true, false}) != consist::digest(std::vector<bool>{false, true}));
}

TEST_CASE("the canonical bytes of a struct: (name, value) pairs sorted by name") {
  const auto expected = cat({{0x40},
                             le(2, 8),
                             text("alpha"),
                             {0x11},
                             le(std::bit_cast<std::uint64_t>(1.5), 8),
                             text("beta"),
                             {0x04},
                             le(static_cast<std::uint32_t>(-2), 4)});
  CHECK(consist::canonical_bytes(cfg::demand_ab{1.5, -2}) == expected);
  CHECK(consist::canonical_bytes(cfg::demand_ba{-2, 1.5}) == expected);
  CHECK(consist::canonical_bytes(true) == std::vector<std::uint8_t>{0x01, 0x01});
  CHECK(consist::canonical_bytes(std::int16_t{-2}) == std::vector<std::uint8_t>{0x03, 0xfe, 0xff});
  CHECK(consist::canonical_bytes(std::optional<int>{}) == cat({{0x30}, le(consist::schema_hash<int>(), 8), {0x00}}));
  CHECK(consist::canonical_bytes(std::vector<std::uint8_t>{7}) ==
        cat({{0x31}, le(consist::schema_hash<std::uint8_t>(), 8), le(1, 8), {0x06, 0x07}}));
}

TEST_CASE("a struct read through accessor functions encodes as the same fields read through members") {
  // BOOST_HANA_DEFINE_STRUCT / ADAPT_STRUCT accessors are member pointers,
  // read off their types; any other hana accessor goes through hana itself.
  // Both must give the same names, schema and bytes.
  using general = consist::detail::struct_fields<cfg::through_functions>;
  using direct = consist::detail::struct_fields<cfg::adapted>;
  static_assert(!general::plain::value && direct::plain::value);
  static_assert(general::names == direct::names);
  static_assert(general::sorted == direct::sorted);
  static_assert(consist::schema_hash<cfg::through_functions>() == consist::schema_hash<cfg::adapted>());
  static_assert(std::is_same_v<direct::declared_type<0>, int> && std::is_same_v<direct::declared_type<1>, double>);
  CHECK(consist::canonical_bytes(cfg::through_functions{0.25, 3}) == consist::canonical_bytes(cfg::adapted{0.25, 3}));
  CHECK(consist::digest(cfg::through_functions{0.25, 3}) == consist::digest(cfg::demand_ab{0.25, 3}));
}

TEST_CASE("digest is SipHash-2-4-128 with identity_key over the canonical bytes") {
  const cfg::model m{"x", {2.5, 1}, {4}};
  CHECK(consist::digest(m) == consist::siphash24_128(consist::canonical_bytes(m), consist::identity_key));
}

TEST_CASE("a pinned digest: stored identities must not change between versions") {
  // If this fails, every identity already stored would stop matching.
  CHECK(consist::to_hex(consist::digest(cfg::model{"pinned", {0.5, 7}, {1, 2}})) ==
        consist::to_hex(consist::siphash24_128(
            cat({{0x40}, le(3, 8), text("demand"),
                 cat({{0x40}, le(2, 8), text("alpha"), {0x11}, le(std::bit_cast<std::uint64_t>(0.5), 8), text("beta"),
                      {0x04}, le(7, 4)}),
                 text("name"), {0x20}, text("pinned"), text("zones"), {0x31}, le(consist::schema_hash<int>(), 8),
                 le(2, 8), {0x04}, le(1, 4), {0x04}, le(2, 4)}),
            consist::identity_key)));
  static_assert(consist::schema_hash<int>() == [] {
    consist::schema_sink s;
    const std::array<std::uint8_t, 1> tag{0x04};
    s.write(tag);
    return s.finish();
  }());
}

TEST_CASE("the customization point: consist_encode and consist_schema found next to the type") {
  CHECK(consist::digest(geo::point(1, 2)) == consist::digest(geo::point(1, 2)));
  CHECK(consist::digest(geo::point(1, 2)) != consist::digest(geo::point(2, 1)));
  CHECK(consist::digest(geo::point(-0.0, 2)) == consist::digest(geo::point(0.0, 2)));
  // A new schema name is a new identity, even with the same bytes.
  CHECK(consist::digest(geo::point(1, 2)) != consist::digest(geo::point_v2(1, 2)));
  // Its schema is the tag and the name.
  constexpr auto expected = [] {
    consist::schema_sink s;
    consist::detail::put_tag(s, consist::type_tag::custom);
    consist::detail::put_text(s, "geo::point/1");
    return s.finish();
  }();
  static_assert(consist::schema_hash<geo::point>() == expected);
  // Custom values inside standard containers.
  CHECK(consist::digest(std::vector<geo::point>{{1, 2}}) != consist::digest(std::vector<geo::point>{{1, 3}}));
  const auto expected_bytes = cat({{0x41}, le(consist::schema_hash<geo::point>(), 8), consist::canonical_bytes(1.0),
                                   consist::canonical_bytes(2.0)});
  CHECK(consist::canonical_bytes(geo::point(1, 2)) == expected_bytes);
}
