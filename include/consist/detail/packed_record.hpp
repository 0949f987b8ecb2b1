#pragma once
// packed_record: a run record packed into one heap block, for the trip from
// a caller's thread to the store's background writer.
//
// A cache hit's run_record holds a dozen or more heap blocks (hex digests
// past the short string buffer, meta, the identity's strings). Queued as a
// copy, each of them is allocated on the caller's thread and freed on the
// writer's, so the caller's next allocations reuse memory last written by the
// other core and wait for it. Packed, one block crosses and the writer
// rebuilds the record on its own thread. Every field is packed; unpack()
// gives a record equal to the one packed (json values kept with their exact
// kind).

#include <consist/detail/config.hpp>
#include <consist/record.hpp>

#include <cstddef>
#include <memory>

namespace consist::inline v0::detail {

class packed_record {
 public:
  /// Packs `r` into one exactly sized block.
  CONSIST_DECL explicit packed_record(const run_record& r);

  /// The record packed; an integrity_error when the block is malformed.
  CONSIST_DECL run_record unpack() const;

  std::size_t size() const noexcept { return size_; }

 private:
  std::unique_ptr<char[]> bytes_;
  std::size_t size_ = 0;
};

}  // namespace consist::inline v0::detail

#if CONSIST_INCLUDE_IMPL
#include <consist/detail/impl/packed_record.ipp>
#endif
