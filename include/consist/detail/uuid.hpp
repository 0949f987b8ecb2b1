#pragma once
// UUIDs in RFC 4122 text form: random ones (version 4) for store namespaces
// and ids, and name-based ones derived from a namespace UUID. The name-based
// ones follow the shape of version 5 but hash with SipHash-2-4-128, the
// library's one hash, instead of SHA-1, so they carry version 8 (RFC 9562's
// "custom" version) rather than claim to be something they are not.

#include <consist/detail/config.hpp>
#include <consist/error.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace consist::inline v0::detail {

using uuid_bytes = std::array<std::uint8_t, 16>;

/// The 16 bytes of "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (lowercase), or nothing.
CONSIST_DECL std::optional<uuid_bytes> parse_uuid(std::string_view text);

/// A random (version 4) UUID from the kernel's CSPRNG; never a weaker fallback.
CONSIST_DECL std::string random_uuid();

/// The RFC 4122 version-5 UUID of `name` inside the namespace
/// `namespace_uuid` (SHA-1 of the namespace bytes and the name): the same
/// inputs always give the same UUID, as Python's uuid.uuid5 does. Throws
/// usage_error if namespace_uuid is malformed.
CONSIST_DECL std::string name_uuid(std::string_view namespace_uuid, std::string_view name);

}  // namespace consist::inline v0::detail

#if CONSIST_INCLUDE_IMPL
#include <consist/detail/impl/uuid.ipp>
#endif
