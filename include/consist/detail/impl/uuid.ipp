#pragma once
// Body of <consist/detail/uuid.hpp>.

#include <consist/detail/uuid.hpp>

#include <consist/detail/hex.hpp>
#include <consist/detail/sha1.hpp>

#include <sys/random.h>

#include <cerrno>
#include <cstring>
#include <span>

namespace consist::inline v0::detail {

inline std::string format_uuid(const uuid_bytes& b) {
  const std::string h = hex_encode(b);
  return h.substr(0, 8) + '-' + h.substr(8, 4) + '-' + h.substr(12, 4) + '-' + h.substr(16, 4) + '-' +
         h.substr(20);
}

std::optional<uuid_bytes> parse_uuid(std::string_view text) {
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

std::string random_uuid() {
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

std::string name_uuid(std::string_view namespace_uuid, std::string_view name) {
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
