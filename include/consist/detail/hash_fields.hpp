#pragma once
// Unambiguous field framing for identity digests: integers as 8 little-endian
// bytes, strings prefixed by their length, so that no two different field
// sequences feed SipHash the same bytes ("ab","c" differs from "a","bc").

#include <consist/hash/siphash.hpp>

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace consist::inline v0::detail {

inline void hash_u64(siphash24_128_stream& h, std::uint64_t v) noexcept {
  std::array<std::uint8_t, 8> le{};
  for (std::size_t i = 0; i < le.size(); ++i) le[i] = static_cast<std::uint8_t>(v >> (8 * i));
  h.update(std::span<const std::uint8_t>(le));
}

inline void hash_field(siphash24_128_stream& h, std::string_view s) noexcept {
  hash_u64(h, s.size());
  h.update(s);
}

}  // namespace consist::inline v0::detail
