#pragma once
// The top-level fields in which two run records differ, named as in their
// JSON form: what a merge conflict or a snapshot disagreement reports.

#include <consist/record.hpp>
#include <consist/store/record_codec.hpp>

#include <string>

namespace consist::inline v0::detail {

/// "status, ended_at" for records that differ in those fields; empty when equal.
inline std::string differing_fields(const run_record& a, const run_record& b) {
  const auto ja = record_to_json(a), jb = record_to_json(b);
  std::string out;
  for (const auto& kv : ja) {
    const auto* other = jb.if_contains(kv.key());
    if (!other || *other != kv.value()) out += (out.empty() ? "" : ", ") + std::string(kv.key());
  }
  return out;
}

}  // namespace consist::inline v0::detail
