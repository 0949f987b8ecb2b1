#pragma once
// Lowercase hexadecimal text for digests and build-ids. Identity values are
// compared as strings, so the encoding is canonical: lowercase, no separators.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace consist::inline v0::detail {

/// "00ff..." for the given bytes.
inline std::string hex_encode(std::span<const std::uint8_t> bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out(bytes.size() * 2, '\0');
  char* p = out.data();
  for (const std::uint8_t b : bytes) {
    *p++ = digits[b >> 4];
    *p++ = digits[b & 0x0f];
  }
  return out;
}

/// The value of one lowercase hex digit, or -1. Uppercase is refused so that a
/// decoded value always re-encodes to the text it came from.
constexpr int hex_digit_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

/// True when `text` is non-empty, of even length and all lowercase hex digits.
constexpr bool is_lower_hex(std::string_view text) noexcept {
  if (text.empty() || text.size() % 2 != 0) return false;
  for (const char c : text)
    if (hex_digit_value(c) < 0) return false;
  return true;
}

/// Decodes lowercase hex into `out`, which must be exactly half as long as
/// `text`; false (and `out` unspecified) on any other input.
constexpr bool hex_decode_into(std::string_view text, std::span<std::uint8_t> out) noexcept {
  if (text.size() != out.size() * 2 || (!text.empty() && !is_lower_hex(text))) return false;
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<std::uint8_t>(hex_digit_value(text[2 * i]) * 16 + hex_digit_value(text[2 * i + 1]));
  return true;
}

/// Decodes lowercase hex of any even length; nullopt on malformed text.
inline std::optional<std::vector<std::uint8_t>> hex_decode(std::string_view text) {
  std::vector<std::uint8_t> out(text.size() / 2);
  if (text.size() % 2 != 0 || !hex_decode_into(text, out)) return std::nullopt;
  return out;
}

}  // namespace consist::inline v0::detail
