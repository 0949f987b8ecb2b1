#pragma once
// The signature of a run: SipHash-2-4-128 over the canonical encoding of its
// identity components. Everything that is not listed here (tags, description,
// stage, phase, meta, runtime-only arguments) cannot change a cache decision.

#include <consist/detail/config.hpp>
#include <consist/encode/canonical.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace consist::inline v0 {

using named_digests = std::vector<std::pair<std::string, digest128>>;

struct identity_parts {
  digest128 code{};
  digest128 config{};
  digest128 inputs{};
  named_digests identity_inputs;  // sorted by name
  std::string adapter_name;
  std::uint32_t adapter_version = 0;
  std::string model;
  std::optional<std::int64_t> year;
  std::optional<std::int64_t> iteration;
  std::uint64_t cache_epoch = 0;
  std::string cache_version;
};

namespace detail {
// Domain separation: a signature never equals any other digest consist makes.
inline constexpr std::string_view signature_domain = "consist.signature.v1";
inline constexpr std::string_view inputs_domain = "consist.inputs.v1";
}  // namespace detail

/// Sorts by name so that the order inputs were given in does not matter.
CONSIST_DECL void sort_named(named_digests& d);

/// One digest over a set of named digests (order-independent).
CONSIST_DECL digest128 combine_named(std::string_view domain, named_digests d);

CONSIST_DECL digest128 compute_signature(const identity_parts& p);

}  // namespace consist::inline v0

#if CONSIST_INCLUDE_IMPL
#include <consist/identity/impl/signature.ipp>
#endif
