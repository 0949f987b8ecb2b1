#pragma once
// Body of <consist/detail/sha1.hpp>.

#include <consist/detail/sha1.hpp>

#include <bit>

namespace consist::inline v0::detail {

sha1& sha1::update(std::span<const std::uint8_t> bytes) noexcept {
  for (std::uint8_t b : bytes) {
    block_[fill_++] = b;
    if (fill_ == 64) {
      compress();
      fill_ = 0;
    }
  }
  length_ += bytes.size();
  return *this;
}

std::array<std::uint8_t, 20> sha1::finish() noexcept {
  const std::uint64_t bits = length_ * 8;
  const std::uint8_t pad = 0x80;
  update(std::span<const std::uint8_t>(&pad, 1));
  const std::uint8_t zero = 0;
  while (fill_ != 56) update(std::span<const std::uint8_t>(&zero, 1));
  for (int i = 7; i >= 0; --i) block_[fill_++] = static_cast<std::uint8_t>(bits >> (8 * i));
  compress();
  std::array<std::uint8_t, 20> out{};
  for (std::size_t i = 0; i < 5; ++i)
    for (std::size_t k = 0; k < 4; ++k) out[4 * i + k] = static_cast<std::uint8_t>(h_[i] >> (24 - 8 * k));
  return out;
}

void sha1::compress() noexcept {
  std::uint32_t w[80];
  for (std::size_t i = 0; i < 16; ++i)
    w[i] = (std::uint32_t{block_[4 * i]} << 24) | (std::uint32_t{block_[4 * i + 1]} << 16) |
           (std::uint32_t{block_[4 * i + 2]} << 8) | std::uint32_t{block_[4 * i + 3]};
  for (std::size_t i = 16; i < 80; ++i) w[i] = std::rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
  std::uint32_t a = h_[0], b = h_[1], c = h_[2], d = h_[3], e = h_[4];
  for (std::size_t i = 0; i < 80; ++i) {
    std::uint32_t f, k;
    if (i < 20) {
      f = (b & c) | (~b & d);
      k = 0x5a827999;
    } else if (i < 40) {
      f = b ^ c ^ d;
      k = 0x6ed9eba1;
    } else if (i < 60) {
      f = (b & c) | (b & d) | (c & d);
      k = 0x8f1bbcdc;
    } else {
      f = b ^ c ^ d;
      k = 0xca62c1d6;
    }
    const std::uint32_t t = std::rotl(a, 5) + f + e + k + w[i];
    e = d;
    d = c;
    c = std::rotl(b, 30);
    b = a;
    a = t;
  }
  h_[0] += a;
  h_[1] += b;
  h_[2] += c;
  h_[3] += d;
  h_[4] += e;
}

}  // namespace consist::inline v0::detail
