#pragma once
// Body of <consist/detail/record_diff.hpp>.

#include <consist/detail/record_diff.hpp>

#include <consist/store/record_codec.hpp>

namespace consist::inline v0::detail {

std::string differing_fields(const run_record& a, const run_record& b) {
  const auto ja = record_to_json(a), jb = record_to_json(b);
  std::string out;
  for (const auto& kv : ja) {
    const auto* other = jb.if_contains(kv.key());
    if (!other || *other != kv.value()) out += (out.empty() ? "" : ", ") + std::string(kv.key());
  }
  return out;
}

}  // namespace consist::inline v0::detail
