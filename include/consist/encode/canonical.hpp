#pragma once
// The canonical byte format every identity encoding shares: stable type tags,
// fixed-width little-endian numbers, u64 length prefixes; the sinks those bytes
// go to (a buffer, the identity hash, a constexpr hash for schemas); the bounded
// reader that takes them back; and the 128-bit digests they end up as.
//
// Format rules (the same on every platform):
//   scalar            tag, then the value's own width in little-endian bytes
//   length / count    u64 little-endian (8 bytes)
//   text              u64 length, then the bytes
// Every encoding is self-delimiting (prefix-free), so two encodings can be
// concatenated or compared byte-wise without ambiguity.

#include <consist/detail/config.hpp>
#include <consist/detail/hex.hpp>
#include <consist/error.hpp>
#include <consist/hash/siphash.hpp>

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace consist::inline v0 {

/// A 128-bit identity digest (SipHash-2-4-128 keyed with identity_key).
using digest128 = std::array<std::uint8_t, 16>;

/// Lowercase hex, 32 characters.
inline std::string to_hex(const digest128& d) { return detail::hex_encode(d); }

/// The digest spelled by exactly 32 hex digits (either case); nullopt otherwise.
CONSIST_DECL std::optional<digest128> digest_from_hex(std::string_view hex);

/// The first byte of every encoded value. These numbers are part of every
/// stored identity and serialized value: NEVER renumber or reuse a value; a
/// new kind of value gets a new, unused number.
enum class type_tag : std::uint8_t {
  boolean = 0x01,
  int8 = 0x02,
  int16 = 0x03,
  int32 = 0x04,
  int64 = 0x05,
  uint8 = 0x06,
  uint16 = 0x07,
  uint32 = 0x08,
  uint64 = 0x09,
  character = 0x0a,  // char
  char8 = 0x0b,
  char16 = 0x0c,
  char32 = 0x0d,
  wide_char = 0x0e,  // wchar_t (its own width on each platform)
  float32 = 0x10,
  float64 = 0x11,
  string = 0x20,  // std::string and std::string_view
  path = 0x21,    // std::filesystem::path, as its generic string
  enumeration = 0x28,
  optional = 0x30,
  vector = 0x31,
  array = 0x32,
  set = 0x33,    // std::set and std::unordered_set
  map = 0x34,    // std::map and std::unordered_map
  tuple = 0x35,  // std::tuple and std::pair
  structure = 0x40,
  custom = 0x41,
  // Boost.JSON values (json_adapter): numbers are one kind, compared by value.
  json_null = 0x60,
  json_boolean = 0x61,
  json_integer = 0x62,
  json_real = 0x63,
  json_string = 0x64,
  json_array = 0x65,
  json_object = 0x66,
};

/// A readable name for diagnostics ("int64", "vector", ...).
constexpr std::string_view tag_name(type_tag t) noexcept {
  switch (t) {
    case type_tag::boolean: return "bool";
    case type_tag::int8: return "int8";
    case type_tag::int16: return "int16";
    case type_tag::int32: return "int32";
    case type_tag::int64: return "int64";
    case type_tag::uint8: return "uint8";
    case type_tag::uint16: return "uint16";
    case type_tag::uint32: return "uint32";
    case type_tag::uint64: return "uint64";
    case type_tag::character: return "char";
    case type_tag::char8: return "char8_t";
    case type_tag::char16: return "char16_t";
    case type_tag::char32: return "char32_t";
    case type_tag::wide_char: return "wchar_t";
    case type_tag::float32: return "float";
    case type_tag::float64: return "double";
    case type_tag::string: return "string";
    case type_tag::path: return "path";
    case type_tag::enumeration: return "enum";
    case type_tag::optional: return "optional";
    case type_tag::vector: return "vector";
    case type_tag::array: return "array";
    case type_tag::set: return "set";
    case type_tag::map: return "map";
    case type_tag::tuple: return "tuple";
    case type_tag::structure: return "struct";
    case type_tag::custom: return "custom";
    case type_tag::json_null: return "json null";
    case type_tag::json_boolean: return "json bool";
    case type_tag::json_integer: return "json integer";
    case type_tag::json_real: return "json real";
    case type_tag::json_string: return "json string";
    case type_tag::json_array: return "json array";
    case type_tag::json_object: return "json object";
  }
  return "unknown";
}

/// Anything encoded bytes can be written to.
template <class S>
concept byte_sink = requires(S& s, std::span<const std::uint8_t> bytes) { s.write(bytes); };

/// Appends the bytes to a caller-owned vector.
class buffer_sink {
 public:
  explicit buffer_sink(std::vector<std::uint8_t>& out) noexcept : out_(&out) {}
  // resize + memcpy rather than insert(): g++ 12 at -O3 reports a false
  // -Wstringop-overflow for insert() of a short span, in users' builds too.
  void write(std::span<const std::uint8_t> bytes) {
    if (bytes.empty()) return;
    const std::size_t old = out_->size();
    out_->resize(old + bytes.size());
    std::memcpy(out_->data() + old, bytes.data(), bytes.size());
  }
  std::vector<std::uint8_t>& bytes() const noexcept { return *out_; }

 private:
  std::vector<std::uint8_t>* out_;
};

/// Feeds the identity hash (SipHash-2-4-128, identity_key). Encodings are
/// many short pieces: they are gathered into whole blocks first, so the hash
/// only ever sees word-aligned chunks.
class hash_sink {
 public:
  void write(std::span<const std::uint8_t> bytes) noexcept {
    // Kept small so it inlines and the copy of a fixed-size piece is a move.
    if (bytes.size() < block_size - used_) {
      std::memcpy(block_.data() + used_, bytes.data(), bytes.size());
      used_ += bytes.size();
    } else {
      spill(bytes);
    }
  }
  /// The digest; the sink is spent afterwards.
  digest128 finish() noexcept {
    stream_.update(std::span<const std::uint8_t>(block_.data(), used_));
    used_ = 0;
    return stream_.finish();
  }

 private:
  [[gnu::noinline]] void spill(std::span<const std::uint8_t> bytes) noexcept {
    const std::uint8_t* p = bytes.data();
    std::size_t n = bytes.size();
    const std::size_t fill = block_size - used_;
    std::memcpy(block_.data() + used_, p, fill);
    stream_.update(std::span<const std::uint8_t>(block_.data(), block_size));
    p += fill;
    n -= fill;
    const std::size_t whole = n - n % block_size;
    if (whole != 0) stream_.update(std::span<const std::uint8_t>(p, whole));
    if (n != whole) std::memcpy(block_.data(), p + whole, n - whole);
    used_ = n - whole;
  }

  static constexpr std::size_t block_size = 128;
  siphash24_128_stream stream_{identity_key};
  std::array<std::uint8_t, block_size> block_{};
  std::size_t used_ = 0;
};

/// A constexpr sink: SipHash-2-4-64 (identity_key) of what is written. Used
/// for schema hashes, which are computed entirely at compile time.
class schema_sink {
 public:
  constexpr void write(std::span<const std::uint8_t> bytes) noexcept { stream_.update(bytes); }
  constexpr std::uint64_t finish() noexcept { return stream_.finish(); }

 private:
  siphash24_64_stream stream_{identity_key};
};

/// An empty value naming a type; customization functions take it so that
/// argument-dependent lookup finds them next to T (see encode/reflect.hpp).
template <class T>
struct type_t {
  using type = T;
};

/// The digest of one leaf of a config: a reflected struct's field
/// ("demand.alpha") or a JSON value's leaf ("zones[3].pop").
struct field_digest {
  std::string path;
  digest128 digest;
  friend bool operator==(const field_digest&, const field_digest&) = default;
};

/// Paths added, removed or whose digest differs between two field lists;
/// sorted, each once.
CONSIST_DECL std::vector<std::string> changed_fields(const std::vector<field_digest>& a,
                                                     const std::vector<field_digest>& b);

/// Reads encoded bytes back with every access bounds-checked: stored bytes may
/// be truncated or damaged, and must never crash the reader or make it
/// allocate more than the input could describe. Failures throw integrity_error.
class byte_reader {
 public:
  explicit byte_reader(std::span<const std::uint8_t> bytes) noexcept : bytes_(bytes) {}

  std::size_t remaining() const noexcept { return bytes_.size() - pos_; }
  std::size_t offset() const noexcept { return pos_; }

  /// The next n bytes.
  std::span<const std::uint8_t> take(std::size_t n) {
    if (n > remaining())
      fail("it ends after " + std::to_string(bytes_.size()) + " bytes, but " + std::to_string(n) +
           " more were needed at byte " + std::to_string(pos_));
    const auto out = bytes_.subspan(pos_, n);
    pos_ += n;
    return out;
  }
  std::uint8_t byte() { return take(1)[0]; }
  /// An unsigned little-endian number of `Bytes` bytes.
  template <std::size_t Bytes>
  std::uint64_t little_endian() {
    static_assert(Bytes >= 1 && Bytes <= 8, "byte_reader::little_endian<N> requires 1 <= N <= 8");
    const auto b = take(Bytes);
    std::uint64_t v = 0;
    for (std::size_t i = Bytes; i-- > 0;) v = (v << 8) | b[i];
    return v;
  }
  std::uint64_t u64() { return little_endian<8>(); }

  /// A count of items each at least `min_item_bytes` long: a count the rest
  /// of the input cannot hold is damage, refused before anything is allocated.
  std::size_t count(std::size_t min_item_bytes = 1) {
    const std::size_t at = pos_;
    const std::uint64_t n = u64();
    if (min_item_bytes == 0) min_item_bytes = 1;
    if (n > remaining() / min_item_bytes)
      fail("a length of " + std::to_string(n) + " at byte " + std::to_string(at) + " exceeds the " +
           std::to_string(remaining()) + " bytes that follow");
    return static_cast<std::size_t>(n);
  }

  void expect_tag(type_tag expected) {
    const std::size_t at = pos_;
    const auto found = static_cast<type_tag>(byte());
    if (found != expected)
      fail("expected a " + std::string(tag_name(expected)) + " at byte " + std::to_string(at) + ", found " +
           std::string(tag_name(found)) + " (tag " + std::to_string(static_cast<unsigned>(found)) + ")");
  }

  /// Every byte must have been consumed.
  void expect_end() const {
    if (remaining() != 0)
      fail(std::to_string(remaining()) + " unexpected bytes follow the value at byte " + std::to_string(pos_));
  }

  [[noreturn]] CONSIST_DECL static void fail(const std::string& what);

 private:
  std::span<const std::uint8_t> bytes_;
  std::size_t pos_ = 0;
};

}  // namespace consist::inline v0

namespace consist::inline v0::detail {

template <byte_sink S>
constexpr void put_tag(S& s, type_tag t) {
  const std::uint8_t b = static_cast<std::uint8_t>(t);
  s.write(std::span<const std::uint8_t>(&b, 1));
}

/// A tag and the low `Bytes` bytes of `bits`, little-endian, in one write.
template <std::size_t Bytes, byte_sink S>
constexpr void put_tagged(S& s, type_tag t, std::uint64_t bits) {
  std::array<std::uint8_t, 1 + Bytes> b{};
  b[0] = static_cast<std::uint8_t>(t);
  for (std::size_t i = 0; i < Bytes; ++i) b[1 + i] = static_cast<std::uint8_t>(bits >> (8 * i));
  s.write(std::span<const std::uint8_t>(b));
}

template <byte_sink S>
constexpr void put_u64(S& s, std::uint64_t v) {
  std::array<std::uint8_t, 8> b{};
  for (std::size_t i = 0; i < 8; ++i) b[i] = static_cast<std::uint8_t>(v >> (8 * i));
  s.write(std::span<const std::uint8_t>(b));
}

/// u64 length, then the bytes.
template <byte_sink S>
constexpr void put_text(S& s, std::string_view text) {
  detail::put_u64(s, text.size());
  if (std::is_constant_evaluated()) {
    for (char c : text) {
      const auto b = static_cast<std::uint8_t>(c);
      s.write(std::span<const std::uint8_t>(&b, 1));
    }
  } else if (!text.empty()) {
    s.write(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
  }
}

/// Identity bits of a floating-point value: -0.0 is 0.0 and every NaN is the
/// same quiet NaN, so values that compare as "the same number" hash the same.
constexpr std::uint64_t canonical_bits(double x) noexcept {
  if (x != x) return 0x7ff8000000000000ULL;
  if (x == 0.0) return 0;
  return std::bit_cast<std::uint64_t>(x);
}
constexpr std::uint32_t canonical_bits(float x) noexcept {
  if (x != x) return 0x7fc00000U;
  if (x == 0.0f) return 0;
  return std::bit_cast<std::uint32_t>(x);
}

}  // namespace consist::inline v0::detail

#if CONSIST_INCLUDE_IMPL
#include <consist/encode/impl/canonical.ipp>
#endif
