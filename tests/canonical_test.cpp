// The canonical byte format: digests and hex, stable type tags, the sinks, the
// bounded reader, float canonicalisation and changed_fields.
#include <consist/detail/encode_write.hpp>
#include <consist/encode/canonical.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <span>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

namespace {

std::vector<std::uint8_t> pattern(std::size_t n) {
  std::vector<std::uint8_t> m(n);
  for (std::size_t i = 0; i < n; ++i) m[i] = static_cast<std::uint8_t>(i * 37 + 11);
  return m;
}

}  // namespace

// The numbers are part of every stored identity: this list must only grow.
static_assert(static_cast<int>(consist::type_tag::boolean) == 0x01);
static_assert(static_cast<int>(consist::type_tag::int32) == 0x04);
static_assert(static_cast<int>(consist::type_tag::int64) == 0x05);
static_assert(static_cast<int>(consist::type_tag::uint64) == 0x09);
static_assert(static_cast<int>(consist::type_tag::character) == 0x0a);
static_assert(static_cast<int>(consist::type_tag::float64) == 0x11);
static_assert(static_cast<int>(consist::type_tag::string) == 0x20);
static_assert(static_cast<int>(consist::type_tag::path) == 0x21);
static_assert(static_cast<int>(consist::type_tag::enumeration) == 0x28);
static_assert(static_cast<int>(consist::type_tag::optional) == 0x30);
static_assert(static_cast<int>(consist::type_tag::vector) == 0x31);
static_assert(static_cast<int>(consist::type_tag::map) == 0x34);
static_assert(static_cast<int>(consist::type_tag::structure) == 0x40);
static_assert(static_cast<int>(consist::type_tag::custom) == 0x41);
static_assert(static_cast<int>(consist::type_tag::json_integer) == 0x62);
static_assert(static_cast<int>(consist::type_tag::json_object) == 0x66);

// The schema sink works in constant expressions and is SipHash-64 with identity_key.
constexpr std::array<std::uint8_t, 3> three_bytes{1, 2, 3};
static_assert([] {
  consist::schema_sink s;
  s.write(three_bytes);
  return s.finish();
}() == consist::siphash24_64(std::span<const std::uint8_t>(three_bytes), consist::identity_key));

TEST_CASE("to_hex is lowercase, 32 characters, and digest_from_hex inverts it") {
  consist::digest128 d{};
  for (std::size_t i = 0; i < d.size(); ++i) d[i] = static_cast<std::uint8_t>(i * 17 + 0xa0);
  const std::string hex = consist::to_hex(d);
  CHECK(hex.size() == 32);
  CHECK(hex.substr(0, 6) == "a0b1c2");
  CHECK(hex.find_first_not_of("0123456789abcdef") == std::string::npos);
  REQUIRE(consist::digest_from_hex(hex).has_value());
  CHECK(*consist::digest_from_hex(hex) == d);
  std::string upper = hex;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  CHECK(*consist::digest_from_hex(upper) == d);
}

TEST_CASE("digest_from_hex refuses wrong lengths and non-hex characters") {
  CHECK_FALSE(consist::digest_from_hex("").has_value());
  CHECK_FALSE(consist::digest_from_hex(std::string(31, 'a')).has_value());
  CHECK_FALSE(consist::digest_from_hex(std::string(33, 'a')).has_value());
  CHECK_FALSE(consist::digest_from_hex(std::string(31, 'a').append(1, 'g')).has_value());
  CHECK_FALSE(consist::digest_from_hex(std::string(31, 'a').append(1, ' ')).has_value());
}

TEST_CASE("buffer_sink appends to the caller's vector") {
  std::vector<std::uint8_t> out{9};
  consist::buffer_sink sink(out);
  const std::array<std::uint8_t, 2> a{1, 2};
  sink.write(a);
  sink.write(a);
  CHECK(out == std::vector<std::uint8_t>{9, 1, 2, 1, 2});
}

TEST_CASE("hash_sink equals one-shot SipHash-128 for every way of cutting the input") {
  for (std::size_t n : {0u, 1u, 7u, 8u, 127u, 128u, 129u, 300u, 1000u}) {
    const auto m = pattern(n);
    const auto expected = consist::siphash24_128(m, consist::identity_key);
    for (std::size_t piece : {1u, 3u, 8u, 100u, 128u, 200u, 1000u}) {
      consist::hash_sink h;
      for (std::size_t at = 0; at < n; at += piece)
        h.write(std::span<const std::uint8_t>(m).subspan(at, std::min(piece, n - at)));
      CHECK_MESSAGE(h.finish() == expected, "n=" << n << " piece=" << piece);
    }
  }
}

TEST_CASE("encoding primitives are little-endian with u64 length prefixes") {
  std::vector<std::uint8_t> out;
  consist::buffer_sink sink(out);
  consist::detail::put_tagged<4>(sink, consist::type_tag::int32, 0x01020304);
  consist::detail::put_text(sink, "ab");
  CHECK(out == std::vector<std::uint8_t>{0x04, 4, 3, 2, 1, 2, 0, 0, 0, 0, 0, 0, 0, 'a', 'b'});
}

TEST_CASE("canonical float bits: -0.0 is 0.0 and every NaN is one NaN") {
  using consist::detail::canonical_bits;
  CHECK(canonical_bits(-0.0) == canonical_bits(0.0));
  CHECK(canonical_bits(-0.0f) == canonical_bits(0.0f));
  const double nans[] = {std::numeric_limits<double>::quiet_NaN(), -std::numeric_limits<double>::quiet_NaN(),
                         std::numeric_limits<double>::signaling_NaN(), std::nan("123"),
                         std::bit_cast<double>(std::uint64_t{0x7ff0000000000001ULL})};
  for (double n : nans) CHECK(canonical_bits(n) == canonical_bits(nans[0]));
  CHECK(canonical_bits(std::nanf("7")) == canonical_bits(std::numeric_limits<float>::quiet_NaN()));
  CHECK(canonical_bits(1.0) != canonical_bits(-1.0));
  CHECK(canonical_bits(1.0) == std::bit_cast<std::uint64_t>(1.0));
  CHECK(canonical_bits(std::numeric_limits<double>::infinity()) !=
        canonical_bits(-std::numeric_limits<double>::infinity()));
}

TEST_CASE("byte_reader reads what the primitives wrote and refuses to run past the end") {
  std::vector<std::uint8_t> out;
  consist::buffer_sink sink(out);
  consist::detail::put_tagged<2>(sink, consist::type_tag::uint16, 0xbeef);
  consist::detail::put_text(sink, "xyz");
  consist::byte_reader r(out);
  r.expect_tag(consist::type_tag::uint16);
  CHECK(r.little_endian<2>() == 0xbeef);
  const std::size_t n = r.count();
  CHECK(n == 3);
  const auto text = r.take(n);
  CHECK(std::string(text.begin(), text.end()) == "xyz");
  r.expect_end();
  CHECK_THROWS_AS(r.byte(), consist::integrity_error);
  CHECK_THROWS_AS(r.take(1), consist::integrity_error);
}

TEST_CASE("byte_reader refuses wrong tags, impossible counts and trailing bytes") {
  std::vector<std::uint8_t> out;
  consist::buffer_sink sink(out);
  consist::detail::put_tag(sink, consist::type_tag::vector);
  consist::detail::put_u64(sink, std::uint64_t{1} << 62);  // a count no input could back
  out.push_back(0);
  {
    consist::byte_reader r(out);
    CHECK_THROWS_WITH_AS(r.expect_tag(consist::type_tag::map), doctest::Contains("expected a map"),
                         consist::integrity_error);
  }
  {
    consist::byte_reader r(out);
    r.expect_tag(consist::type_tag::vector);
    CHECK_THROWS_WITH_AS(r.count(), doctest::Contains("exceeds"), consist::integrity_error);
  }
  {
    consist::byte_reader r(out);
    r.byte();
    CHECK_THROWS_AS(r.expect_end(), consist::integrity_error);
  }
  {
    // A count of 2 with 9 bytes left is fine for 1-byte items, not for 8-byte ones.
    std::vector<std::uint8_t> b;
    consist::buffer_sink s(b);
    consist::detail::put_u64(s, 2);
    b.resize(b.size() + 9);
    consist::byte_reader ok(b);
    CHECK(ok.count(1) == 2);
    consist::byte_reader bad(b);
    CHECK_THROWS_AS(bad.count(8), consist::integrity_error);
  }
}

TEST_CASE("integrity errors carry the three-part message") {
  consist::byte_reader r(std::span<const std::uint8_t>{});
  try {
    r.byte();
    FAIL("no exception");
  } catch (const consist::integrity_error& e) {
    CHECK(std::string(e.what()).find("Problem: ") == 0);
    CHECK_FALSE(e.likely_cause().empty());
    CHECK(e.suggested_fix().find("overwrite") != std::string::npos);
  }
}

TEST_CASE("changed_fields lists added, removed and changed paths, sorted") {
  const consist::digest128 one{1};
  const consist::digest128 two{2};
  const std::vector<consist::field_digest> a{{"zeta", one}, {"alpha", one}, {"gone", one}, {"same", two}};
  const std::vector<consist::field_digest> b{{"alpha", two}, {"new", one}, {"same", two}, {"zeta", one}};
  CHECK(consist::changed_fields(a, b) == std::vector<std::string>{"alpha", "gone", "new"});
  CHECK(consist::changed_fields(b, a) == std::vector<std::string>{"alpha", "gone", "new"});
  CHECK(consist::changed_fields(a, a).empty());
  CHECK(consist::changed_fields({}, a) == std::vector<std::string>{"alpha", "gone", "same", "zeta"});
}

TEST_CASE("tag_name names every tag for diagnostics") {
  CHECK(consist::tag_name(consist::type_tag::float64) == "double");
  CHECK(consist::tag_name(consist::type_tag::json_object) == "json object");
  CHECK(consist::tag_name(static_cast<consist::type_tag>(0xff)) == "unknown");
}

TEST_CASE("sequences of one-byte integers encode each element exactly as a lone value does") {
  // Byte sequences take a batched path; its bytes must be the element-wise ones.
  const auto check = [](const auto& seq) {
    using T = std::remove_cvref_t<decltype(seq)>;
    std::vector<std::uint8_t> batched, elementwise;
    consist::buffer_sink b(batched);
    consist::detail::write_value<consist::detail::encoding_mode::canonical>(b, seq);
    consist::buffer_sink e(elementwise);
    constexpr auto tag = std::is_same_v<T, std::vector<std::int8_t>> ? consist::type_tag::vector
                         : std::is_same_v<T, std::vector<std::uint8_t>> ? consist::type_tag::vector
                                                                       : consist::type_tag::array;
    consist::detail::put_tagged<8>(e, tag, consist::detail::schema_hash_v<typename T::value_type>);
    consist::detail::put_u64(e, seq.size());
    for (const auto& x : seq) consist::detail::write_value<consist::detail::encoding_mode::canonical>(e, x);
    CHECK(batched == elementwise);
  };
  for (std::size_t n : {0, 1, 63, 64, 65, 200}) {
    std::vector<std::uint8_t> u(n);
    std::vector<std::int8_t> s(n);
    for (std::size_t i = 0; i < n; ++i) {
      u[i] = static_cast<std::uint8_t>(i * 37 + 1);
      s[i] = static_cast<std::int8_t>(-static_cast<int>(i % 100));
    }
    check(u);
    check(s);
  }
  std::array<std::uint8_t, 16> d{};
  for (std::size_t i = 0; i < d.size(); ++i) d[i] = static_cast<std::uint8_t>(255 - i);
  check(d);
}
