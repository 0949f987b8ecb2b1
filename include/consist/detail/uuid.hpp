#pragma once
// UUIDs in RFC 4122 text form: random ones (version 4) for store namespaces
// and ids, and name-based ones derived from a namespace UUID. The name-based
// ones follow the shape of version 5 but hash with SipHash-2-4-128, the
// library's one hash, instead of SHA-1, so they carry version 8 (RFC 9562's
// "custom" version) rather than claim to be something they are not.

#include <consist/detail/hex.hpp>
#include <consist/detail/sha1.hpp>
#include <consist/error.hpp>

#include <sys/random.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace consist::inline v0::detail {

using uuid_bytes = std::array<std::uint8_t, 16>;

inline std::string format_uuid(const uuid_bytes& b) {
  const std::string h = hex_encode(b);
  return h.substr(0, 8) + '-' + h.substr(8, 4) + '-' + h.substr(12, 4) + '-' + h.substr(16, 4) + '-' +
         h.substr(20);
}

/// The 16 bytes of "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (lowercase), or nothing.
inline std::optional<uuid_bytes> parse_uuid(std::string_view text) {
  if (text.size() != 36 || text[8] != '-' || text[13] != '-' || text[18] != '-' || text[23] != '-')
    return std::nullopt;
  std::string digits;
  digits.reserve(32);
  for (std::size_t i = 0; i < text.size(); ++i)
    if (i != 8 && i != 13 && i != 18 && i != 23) digits += text[i];
  uuid_bytes out{};
  if (!hex_decode_into(digits, out)) return std::nullopt;
  return out;
}

inline uuid_bytes with_version(uuid_bytes b, std::uint8_t version) noexcept {
  b[6] = static_cast<std::uint8_t>((b[6] & 0x0f) | (version << 4));
  b[8] = static_cast<std::uint8_t>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  return b;
}

/// A random (version 4) UUID from the kernel's CSPRNG; never a weaker fallback.
inline std::string random_uuid() {
  uuid_bytes b{};
  std::size_t got = 0;
  while (got < b.size()) {
    const ssize_t n = ::getrandom(b.data() + got, b.size() - got, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw store_error("could not draw random bytes for a UUID: " + std::string(std::strerror(errno)),
                        "getrandom() is unavailable or blocked (e.g. by a seccomp filter)",
                        "run on a kernel that provides getrandom(2) (Linux 3.17 or later)");
    }
    got += static_cast<std::size_t>(n);
  }
  return format_uuid(with_version(b, 4));
}

/// The RFC 4122 version-5 UUID of `name` inside the namespace
/// `namespace_uuid` (SHA-1 of the namespace bytes and the name): the same
/// inputs always give the same UUID, as Python's uuid.uuid5 does. Throws
/// usage_error if namespace_uuid is malformed.
inline std::string name_uuid(std::string_view namespace_uuid, std::string_view name) {
  const auto ns = parse_uuid(namespace_uuid);
  if (!ns)
    throw usage_error("'" + std::string(namespace_uuid) + "' is not a UUID",
                      "a namespace UUID must have the form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx",
                      "pass the store's namespace_uuid()");
  sha1 h;
  h.update(*ns);
  h.update(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(name.data()), name.size()));
  const auto d = h.finish();
  uuid_bytes b{};
  for (std::size_t i = 0; i < b.size(); ++i) b[i] = d[i];
  return format_uuid(with_version(b, 5));
}

}  // namespace consist::inline v0::detail
