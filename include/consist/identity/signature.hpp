#pragma once
// The signature of a run: SipHash-2-4-128 over the canonical encoding of its
// identity components. Everything that is not listed here (tags, description,
// stage, phase, meta, runtime-only arguments) cannot change a cache decision.

#include <consist/encode/canonical.hpp>
#include <consist/encode/reflect.hpp>

#include <algorithm>
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
inline void sort_named(named_digests& d) {
  std::sort(d.begin(), d.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
}

/// One digest over a set of named digests (order-independent).
inline digest128 combine_named(std::string_view domain, named_digests d) {
  sort_named(d);
  hash_sink sink;
  encode(sink, std::string(domain));
  encode(sink, d);
  return sink.finish();
}

inline digest128 compute_signature(const identity_parts& p) {
  hash_sink sink;
  encode(sink, std::string(detail::signature_domain));
  encode(sink, p.code);
  encode(sink, p.config);
  encode(sink, p.inputs);
  encode(sink, p.identity_inputs);
  encode(sink, p.adapter_name);
  encode(sink, p.adapter_version);
  encode(sink, p.model);
  encode(sink, p.year);
  encode(sink, p.iteration);
  encode(sink, p.cache_epoch);
  encode(sink, p.cache_version);
  return sink.finish();
}

}  // namespace consist::inline v0
