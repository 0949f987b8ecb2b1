#pragma once
// SHA-1 (FIPS 180-4), only for RFC 4122 version-5 (name-based) UUIDs, which
// the UUID standard defines over SHA-1. Not used for identity hashes.

#include <consist/detail/config.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace consist::inline v0::detail {

class sha1 {
 public:
  CONSIST_DECL sha1& update(std::span<const std::uint8_t> bytes) noexcept;

  CONSIST_DECL std::array<std::uint8_t, 20> finish() noexcept;

 private:
  CONSIST_DECL void compress() noexcept;

  std::uint32_t h_[5] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0};
  std::uint8_t block_[64] = {};
  std::size_t fill_ = 0;
  std::uint64_t length_ = 0;
};

}  // namespace consist::inline v0::detail

#if CONSIST_INCLUDE_IMPL
#include <consist/detail/impl/sha1.ipp>
#endif
