#pragma once
// Bytes as base64 text (standard alphabet, padded): serialized return values
// in snapshots, which Python's base64.b64decode reads. The decoder rejects
// anything the encoder would not have produced.

#include <consist/detail/config.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace consist::inline v0::detail {

CONSIST_DECL std::string to_base64(std::span<const std::uint8_t> bytes);

constexpr int base64_value(char c) noexcept {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

/// Canonical padded base64 only (no whitespace, no non-zero padding bits).
CONSIST_DECL std::optional<std::vector<std::uint8_t>> from_base64(std::string_view text);

}  // namespace consist::inline v0::detail

#if CONSIST_INCLUDE_IMPL
#include <consist/detail/impl/base64.ipp>
#endif
