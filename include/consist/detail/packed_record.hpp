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
#include <string_view>

namespace consist::inline v0::detail {

class packed_record {
 public:
  /// Packs `r` into one exactly sized block.
  CONSIST_DECL explicit packed_record(const run_record& r);

  /// The record packed (unpack_record of bytes()).
  run_record unpack() const { return unpack_record(bytes()); }

  /// The record packed, into `r`: every field is overwritten, and strings and
  /// vectors keep their buffers where they are large enough, so a caller
  /// that unpacks many records into one allocates little once it is warm.
  void unpack_into(run_record& r) const { unpack_record_into(bytes(), r); }

  std::string_view bytes() const noexcept { return {bytes_.get(), size_}; }
  std::size_t size() const noexcept { return size_; }

  /// The record packed in `bytes`; an integrity_error when they are not
  /// exactly one packed record.
  CONSIST_DECL static run_record unpack_record(std::string_view bytes);

  /// unpack_record into `r` (see unpack_into); on an integrity_error `r`
  /// holds part of the record.
  CONSIST_DECL static void unpack_record_into(std::string_view bytes, run_record& r);

 private:
  std::unique_ptr<char[]> bytes_;
  std::size_t size_ = 0;
};

}  // namespace consist::inline v0::detail

#if CONSIST_INCLUDE_IMPL
#include <consist/detail/impl/packed_record.ipp>
#endif
