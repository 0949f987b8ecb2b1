#pragma once
// SipHash-2-4 (Aumasson & Bernstein), 64- and 128-bit output, one-shot and
// streaming, usable in constant expressions. Outputs are the bytes the
// reference implementation writes to out[] (little-endian words).

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <type_traits>

namespace consist::inline v0 {

/// A SipHash key: 16 bytes, k0 = bytes 0..7 and k1 = bytes 8..15 little-endian.
using sipkey = std::array<std::uint8_t, 16>;

/// Streaming SipHash-2-4. OutBytes is 8 (64-bit tag) or 16 (128-bit tag).
/// update() may be called with chunks of any size; the result equals the
/// one-shot hash of their concatenation.
template <std::size_t OutBytes>
class siphash24_stream {
  static_assert(OutBytes == 8 || OutBytes == 16,
                "consist::siphash24_stream<N> requires N to be 8 (64-bit) or 16 (128-bit)");

 public:
  using result_type = std::conditional_t<OutBytes == 8, std::uint64_t, std::array<std::uint8_t, 16>>;

  constexpr explicit siphash24_stream(const sipkey& key) noexcept {
    const std::uint64_t k0 = load_le(key.data());
    const std::uint64_t k1 = load_le(key.data() + 8);
    v0_ = k0 ^ 0x736f6d6570736575ULL;
    v1_ = k1 ^ 0x646f72616e646f6dULL;
    v2_ = k0 ^ 0x6c7967656e657261ULL;
    v3_ = k1 ^ 0x7465646279746573ULL;
    if constexpr (OutBytes == 16) v1_ ^= 0xee;
  }

  constexpr siphash24_stream& update(std::span<const std::uint8_t> bytes) noexcept {
    const std::uint8_t* p = bytes.data();
    std::size_t n = bytes.size();
    total_ += n;
    // Fill the partial word left by the previous chunk.
    while (pending_len_ != 0 && n != 0) {
      pending_ |= std::uint64_t{*p++} << (8 * pending_len_);
      --n;
      if (++pending_len_ == 8) {
        compress(pending_);
        pending_ = 0;
        pending_len_ = 0;
      }
    }
    // The whole words, with the state in locals: the message is read through
    // a byte pointer, which may alias the members, so a loop over the members
    // would store and reload them for every word.
    // A word's last round leaves out its final `v3 ^= v0`, which joins the
    // next word's `v3 ^= m` as `v3 ^= v0 ^ m`: v0 ^ m is ready before v3, and
    // v3 carries the longest chain from word to word, so each word's chain is
    // one operation shorter (about 7% more throughput on long messages).
    std::uint64_t v0 = v0_, v1 = v1_, v2 = v2_, v3 = v3_;
    if (n >= 8) {
      std::uint64_t m = load_le(p);
      p += 8, n -= 8;
      v3 ^= m;
      for (;;) {
        sip_round(v0, v1, v2, v3);
        sip_round_open(v0, v1, v2, v3);
        if (n < 8) {
          v3 ^= v0;
          v0 ^= m;
          break;
        }
        const std::uint64_t next = load_le(p);
        p += 8, n -= 8;
        v3 ^= v0 ^ next;
        v0 ^= m;
        m = next;
      }
    }
    v0_ = v0, v1_ = v1, v2_ = v2, v3_ = v3;
    for (std::size_t i = 0; i < n; ++i) pending_ |= std::uint64_t{p[i]} << (8 * i);
    pending_len_ = static_cast<unsigned>(n) + pending_len_;
    return *this;
  }
  constexpr siphash24_stream& update(std::span<const std::byte> bytes) noexcept {
    if (std::is_constant_evaluated()) {
      for (std::byte b : bytes) {
        const std::uint8_t u = static_cast<std::uint8_t>(b);
        update(std::span<const std::uint8_t>(&u, 1));
      }
      return *this;
    }
    return update(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
  }
  constexpr siphash24_stream& update(std::string_view s) noexcept {
    if (std::is_constant_evaluated()) {
      for (char c : s) {
        const auto u = static_cast<std::uint8_t>(c);
        update(std::span<const std::uint8_t>(&u, 1));
      }
      return *this;
    }
    return update(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
  }

  /// The tag. The stream is left finished; hashing more needs a new stream.
  constexpr result_type finish() noexcept {
    const std::uint64_t b = (static_cast<std::uint64_t>(total_) << 56) | pending_;
    compress(b);
    v2_ ^= (OutBytes == 16) ? 0xee : 0xff;
    round();
    round();
    round();
    round();
    const std::uint64_t lo = v0_ ^ v1_ ^ v2_ ^ v3_;
    if constexpr (OutBytes == 8) {
      return lo;
    } else {
      v1_ ^= 0xdd;
      round();
      round();
      round();
      round();
      const std::uint64_t hi = v0_ ^ v1_ ^ v2_ ^ v3_;
      std::array<std::uint8_t, 16> out{};
      for (int i = 0; i < 8; ++i) {
        out[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(lo >> (8 * i));
        out[static_cast<std::size_t>(8 + i)] = static_cast<std::uint8_t>(hi >> (8 * i));
      }
      return out;
    }
  }

 private:
  static constexpr std::uint64_t load_le(const std::uint8_t* p) noexcept {
    if (!std::is_constant_evaluated() && std::endian::native == std::endian::little) {
      std::uint64_t w;
      std::memcpy(&w, p, 8);
      return w;
    }
    std::uint64_t w = 0;
    for (int i = 7; i >= 0; --i) w = (w << 8) | p[i];
    return w;
  }
  // Always inlined: out of line, the four words go through memory on every
  // round (g++ -O2 keeps sip_round out of line in a large unit), which
  // doubles the cost of hashing the short pieces of an identity.
  // A SipRound without its `v3 ^= v0`; nothing after that step reads v3 or
  // writes v0, so it may come last, and update() folds it into the next word.
  [[gnu::always_inline]] static constexpr void sip_round_open(std::uint64_t& v0, std::uint64_t& v1,
                                                              std::uint64_t& v2, std::uint64_t& v3) noexcept {
    v0 += v1;
    v1 = std::rotl(v1, 13);
    v1 ^= v0;
    v0 = std::rotl(v0, 32);
    v2 += v3;
    v3 = std::rotl(v3, 16);
    v3 ^= v2;
    v0 += v3;
    v3 = std::rotl(v3, 21);
    v2 += v1;
    v1 = std::rotl(v1, 17);
    v1 ^= v2;
    v2 = std::rotl(v2, 32);
  }
  [[gnu::always_inline]] static constexpr void sip_round(std::uint64_t& v0, std::uint64_t& v1, std::uint64_t& v2,
                                                         std::uint64_t& v3) noexcept {
    sip_round_open(v0, v1, v2, v3);
    v3 ^= v0;
  }
  [[gnu::always_inline]] constexpr void round() noexcept { sip_round(v0_, v1_, v2_, v3_); }
  [[gnu::always_inline]] constexpr void compress(std::uint64_t m) noexcept {
    v3_ ^= m;
    round();
    round();
    v0_ ^= m;
  }

  std::uint64_t v0_ = 0, v1_ = 0, v2_ = 0, v3_ = 0;
  std::uint64_t pending_ = 0;     // bytes not yet forming a full word
  unsigned pending_len_ = 0;      // how many of them (0..7)
  std::size_t total_ = 0;         // message length so far (mod 256 is what counts)
};

using siphash24_64_stream = siphash24_stream<8>;
using siphash24_128_stream = siphash24_stream<16>;

/// One-shot SipHash-2-4 with a 64-bit tag (the u64 the reference stores little-endian).
constexpr std::uint64_t siphash24_64(std::span<const std::uint8_t> bytes, const sipkey& key) noexcept {
  return siphash24_64_stream(key).update(bytes).finish();
}
constexpr std::uint64_t siphash24_64(std::span<const std::byte> bytes, const sipkey& key) noexcept {
  return siphash24_64_stream(key).update(bytes).finish();
}
constexpr std::uint64_t siphash24_64(std::string_view bytes, const sipkey& key) noexcept {
  return siphash24_64_stream(key).update(bytes).finish();
}

/// One-shot SipHash-2-4 with a 128-bit tag, in the reference's byte order.
constexpr std::array<std::uint8_t, 16> siphash24_128(std::span<const std::uint8_t> bytes,
                                                     const sipkey& key) noexcept {
  return siphash24_128_stream(key).update(bytes).finish();
}
constexpr std::array<std::uint8_t, 16> siphash24_128(std::span<const std::byte> bytes,
                                                     const sipkey& key) noexcept {
  return siphash24_128_stream(key).update(bytes).finish();
}
constexpr std::array<std::uint8_t, 16> siphash24_128(std::string_view bytes, const sipkey& key) noexcept {
  return siphash24_128_stream(key).update(bytes).finish();
}

/// The fixed, public key consist uses for identity hashes. Identity hashes are
/// content addresses, not MACs: the key only has to be the same everywhere.
inline constexpr sipkey identity_key{'c', 'o', 'n', 's', 'i', 's', 't', '.',
                                     'i', 'd', 'e', 'n', 't', 'i', 't', 'y'};

}  // namespace consist::inline v0
