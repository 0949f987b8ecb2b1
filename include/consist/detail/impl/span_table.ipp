#pragma once
// Body of <consist/detail/span_table.hpp>.

#include <consist/detail/span_table.hpp>

namespace consist::inline v0::detail {

bool span_slot::read(std::uint64_t tag, span_slot_snapshot& out) const noexcept {
  if (tag_.load(std::memory_order_acquire) != tag) return false;
  out.count = count_.load(std::memory_order_relaxed);
  out.total = total_.load(std::memory_order_relaxed);
  out.min = min_.load(std::memory_order_relaxed);
  out.max = max_.load(std::memory_order_relaxed);
  return out.count != 0;
}

thread_span_table::~thread_span_table() {
  for (auto& chunk : chunks) delete chunk.load(std::memory_order_relaxed);
}

}  // namespace consist::inline v0::detail
