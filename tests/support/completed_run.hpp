#pragma once
// A completed run as consist::run commits it, made without executing it: the
// record and cache entry of a run of `inv` that returned `value`. Fills a store
// with many cache candidates in one commit_runs transaction, far faster than as
// many misses. Shared by the tests and benchmarks that need large stores.

#include <consist/resolve.hpp>
#include <consist/store/store.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace consist_test {

/// `prefix` + k zero-padded to `width` digits: ids of one length, sorting in k order (so puts append).
inline std::string numbered_id(const std::string& prefix, std::uint64_t k, std::size_t width) {
  const std::string digits = std::to_string(k);
  return prefix + std::string(digits.size() < width ? width - digits.size() : 0, '0') + digits;
}

/// The record (status completed, started and ended at `at`) and cache entry
/// of run `id` of `inv`, which returned the serialized `value`.
inline consist::run_commit completed_run(const consist::resolved_invocation& inv, std::string id,
                                         std::vector<std::uint8_t> value, consist::timestamp at) {
  consist::run_record r;
  r.id = std::move(id);
  r.model_name = inv.model;
  r.status = consist::run_status::completed;
  r.identity = inv.identity;
  r.signature = inv.identity.signature;
  r.config_hash = inv.identity.config_hash;
  r.input_hash = inv.identity.input_hash;
  r.code_hash = inv.identity.code_hash;
  r.started_at = r.created_at = r.updated_at = at;
  r.ended_at = at;
  consist::cache_entry e;
  e.run_id = r.id;
  e.signature = inv.signature;
  e.created_at = at;
  e.value = std::move(value);
  return {std::move(r), std::move(e), {}};
}

}  // namespace consist_test
