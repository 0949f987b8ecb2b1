#include <consist/hash/siphash.hpp>

#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

constexpr consist::sipkey reference_key = [] {
  consist::sipkey k{};
  for (std::uint8_t i = 0; i < 16; ++i) k[i] = i;
  return k;
}();

std::vector<std::uint8_t> reference_message(std::size_t len) {
  std::vector<std::uint8_t> m(len);
  for (std::size_t i = 0; i < len; ++i) m[i] = static_cast<std::uint8_t>(i);
  return m;
}

std::string hex(const std::uint8_t* p, std::size_t n) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string s;
  for (std::size_t i = 0; i < n; ++i) {
    s += digits[p[i] >> 4];
    s += digits[p[i] & 15];
  }
  return s;
}

std::string hex_le(std::uint64_t v) {
  std::array<std::uint8_t, 8> b{};
  for (int i = 0; i < 8; ++i) b[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v >> (8 * i));
  return hex(b.data(), 8);
}

// Reads "<len> <hex>" lines, skipping comments.
std::vector<std::pair<std::size_t, std::string>> read_vectors(const std::string& file) {
  std::ifstream in(std::filesystem::path(CONSIST_TEST_DATA_DIR) / "siphash" / file);
  REQUIRE_MESSAGE(in.good(), "missing test data file " << file);
  std::vector<std::pair<std::size_t, std::string>> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ls(line);
    std::size_t len = 0;
    std::string h;
    ls >> len >> h;
    out.emplace_back(len, h);
  }
  return out;
}

// Compile-time checks against the reference vectors (len 0, 15, 63).
constexpr std::array<std::uint8_t, 63> ramp = [] {
  std::array<std::uint8_t, 63> a{};
  for (std::uint8_t i = 0; i < 63; ++i) a[i] = i;
  return a;
}();
static_assert(consist::siphash24_64(std::span<const std::uint8_t>(ramp.data(), 0), reference_key) ==
              0x726fdb47dd0e0e31ULL);
static_assert(consist::siphash24_64(std::span<const std::uint8_t>(ramp.data(), 15), reference_key) ==
              0xa129ca6149be45e5ULL);
static_assert(consist::siphash24_64(std::span<const std::uint8_t>(ramp.data(), 63), reference_key) ==
              0x958a324ceb064572ULL);
static_assert(consist::siphash24_128(std::span<const std::uint8_t>(ramp.data(), 0), reference_key)[0] == 0xa3);
static_assert(consist::siphash24_128(std::span<const std::uint8_t>(ramp.data(), 0), reference_key)[15] == 0x93);
static_assert(consist::siphash24_128(std::span<const std::uint8_t>(ramp.data(), 1), reference_key)[0] == 0xda);

}  // namespace

TEST_CASE("siphash24_64 matches all 64 reference vectors") {
  const auto vectors = read_vectors("vectors-64.txt");
  REQUIRE(vectors.size() == 64);
  for (const auto& vector : vectors) {
    const std::size_t len = vector.first;  // a plain variable: clang 14 cannot capture a structured binding
    const auto msg = reference_message(len);
    CHECK_MESSAGE(hex_le(consist::siphash24_64(msg, reference_key)) == vector.second, "len " << len);
  }
}

TEST_CASE("siphash24_128 matches all 64 reference vectors") {
  const auto vectors = read_vectors("vectors-128.txt");
  REQUIRE(vectors.size() == 64);
  for (const auto& vector : vectors) {
    const std::size_t len = vector.first;
    const auto msg = reference_message(len);
    const auto tag = consist::siphash24_128(msg, reference_key);
    CHECK_MESSAGE(hex(tag.data(), tag.size()) == vector.second, "len " << len);
  }
}

TEST_CASE("streaming gives the one-shot result for every split") {
  const auto msg = reference_message(63);
  for (std::size_t len = 0; len <= msg.size(); ++len) {
    const std::span<const std::uint8_t> whole(msg.data(), len);
    const auto one64 = consist::siphash24_64(whole, reference_key);
    const auto one128 = consist::siphash24_128(whole, reference_key);
    for (std::size_t a = 0; a <= len; ++a) {
      for (std::size_t b = a; b <= len; b += 3) {
        consist::siphash24_64_stream s64(reference_key);
        consist::siphash24_128_stream s128(reference_key);
        s64.update(whole.subspan(0, a)).update(whole.subspan(a, b - a)).update(whole.subspan(b));
        s128.update(whole.subspan(0, a)).update(whole.subspan(a, b - a)).update(whole.subspan(b));
        REQUIRE(s64.finish() == one64);
        REQUIRE(s128.finish() == one128);
      }
    }
  }
}

TEST_CASE("byte-at-a-time streaming over a long message") {
  std::vector<std::uint8_t> msg(4099);
  for (std::size_t i = 0; i < msg.size(); ++i) msg[i] = static_cast<std::uint8_t>(i * 31 + 7);
  consist::siphash24_128_stream s(reference_key);
  for (auto b : msg) s.update(std::span<const std::uint8_t>(&b, 1));
  CHECK(s.finish() == consist::siphash24_128(msg, reference_key));
}

TEST_CASE("string_view, std::byte and uint8_t inputs agree") {
  const std::string text = "consist identity";
  const auto* u = reinterpret_cast<const std::uint8_t*>(text.data());
  const auto* b = reinterpret_cast<const std::byte*>(text.data());
  const auto expected = consist::siphash24_128(std::span<const std::uint8_t>(u, text.size()), reference_key);
  CHECK(consist::siphash24_128(std::string_view(text), reference_key) == expected);
  CHECK(consist::siphash24_128(std::span<const std::byte>(b, text.size()), reference_key) == expected);
}
