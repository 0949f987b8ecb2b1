#pragma once
// record_cache: run records a store parsed or wrote recently, each kept with
// the exact text it was parsed from. A lookup gives the record only when the
// text the store holds now is that same text, byte for byte, so a record
// that changed since (or another record under the same id) is never served
// from the cache: the caller parses it again. Bounded: past its capacity the
// oldest insertion goes first. Safe to use from several threads.
//
// It spares the repeated parses of a miss: the explanation compares the new
// run with the latest completed runs of its model, which are mostly the runs
// this process has just written.

#include <consist/detail/config.hpp>
#include <consist/record.hpp>

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace consist::inline v0::detail {

class record_cache {
 public:
  explicit record_cache(std::size_t capacity) : capacity_(capacity) {}

  /// The record kept for `id`, when it was kept with exactly `text`; null otherwise.
  CONSIST_DECL std::shared_ptr<const run_record> find(std::string_view id, std::string_view text) const;

  /// Keeps `record`, stored as `text` under `id` (replacing what `id` had).
  CONSIST_DECL void insert(std::string_view id, std::string text, std::shared_ptr<const run_record> record);

  CONSIST_DECL std::size_t size() const;
  std::size_t capacity() const noexcept { return capacity_; }

 private:
  struct entry {
    std::string text;
    std::shared_ptr<const run_record> record;
  };
  std::size_t capacity_;
  mutable std::mutex m_;
  std::map<std::string, entry, std::less<>> by_id_;
  std::vector<std::string> ring_;  // the ids in insertion order, from next_ on (once full)
  std::size_t next_ = 0;           // the slot of the oldest id once ring_ is full
};

}  // namespace consist::inline v0::detail

#if CONSIST_INCLUDE_IMPL
#include <consist/detail/impl/record_cache.ipp>
#endif
