#pragma once
// The hot path of CONSIST_SPAN and CONSIST_COUNT. While no collection is
// active (or tracing is off) a span is a load of active_span_tag and a branch
// when it opens and a test of its saved timestamp when it closes; a count is
// the load and the branch. While one is active, a span is two clock reads, a
// TLS load, two index loads and five stores into this thread's slot. The
// first hit of a site in a thread takes the out-of-line slow path (registry
// mutex, one allocation).

#include <consist/detail/span_clock.hpp>
#include <consist/detail/span_registry.hpp>
#include <consist/detail/span_site.hpp>
#include <consist/detail/span_table.hpp>

#include <atomic>
#include <cstdint>

namespace consist::inline v0::detail {

/// First hit of a site in this thread: assigns the site's index (once per
/// process), creates the thread's table and the chunk holding the slot.
/// noexcept like everything on this path, so a span needs no unwinding state
/// and an idle span compiles to its one branch (out of memory here ends the
/// process).
[[gnu::noinline, gnu::cold]] inline span_slot* span_slot_slow(span_handle& handle) noexcept {
  span_registry& registry = span_registry::instance();
  std::uint32_t index = handle.index.load(std::memory_order_acquire);
  if (index == unregistered_span_site) index = registry.register_site(handle);
  if (index == refused_span_site) return nullptr;
  thread_span_table* table = current_span_table;
  if (table == nullptr) {
    if (span_table_retired) return nullptr;  // thread-exit code after the fold
    table = registry.attach_thread();
  }
  auto& chunk = table->chunks[index / span_slots_per_chunk];
  if (chunk.load(std::memory_order_relaxed) == nullptr)
    chunk.store(new span_chunk{}, std::memory_order_release);
  return table->find(index);
}

[[gnu::always_inline]] inline span_slot* span_slot_for(span_handle& handle) noexcept {
  const std::uint32_t index = handle.index.load(std::memory_order_relaxed);
  thread_span_table* const table = current_span_table;
  if (index < span_site_capacity && table != nullptr) [[likely]] {
    if (span_slot* slot = table->find(index)) [[likely]]
      return slot;
  }
  return span_slot_slow(handle);
}

/// The RAII scope CONSIST_SPAN declares. The site's handle is a template
/// argument (it is a static), so the scope keeps one word, the opening
/// timestamp (0 when the span opened with nothing collecting). The slot is
/// found after the closing timestamp, outside the measured time. The span
/// counts toward the collection current when it closes.
template <span_handle* Handle>
class span_scope {
 public:
  [[gnu::always_inline]] span_scope() noexcept {
    const std::uint64_t tag = active_span_tag.load(std::memory_order_relaxed);
    if (tag != 0) start_ = span_clock_ticks(span_tag_uses_tsc(tag));
  }

  [[gnu::always_inline]] ~span_scope() noexcept {
    if (start_ == 0) return;
    const std::uint64_t tag = active_span_tag.load(std::memory_order_relaxed);
    if (tag == 0) return;  // the collection ended while the span was open
    const std::uint64_t end = span_clock_ticks(span_tag_uses_tsc(tag));
    if (span_slot* slot = span_slot_for(*Handle))
      slot->record_timed(tag, end > start_ ? end - start_ : 0);
  }

  span_scope(const span_scope&) = delete;
  span_scope& operator=(const span_scope&) = delete;

 private:
  std::uint64_t start_ = 0;
};

[[gnu::always_inline]] inline void span_count_hit(span_handle& handle) noexcept {
  const std::uint64_t tag = active_span_tag.load(std::memory_order_relaxed);
  if (tag == 0) return;
  if (span_slot* slot = span_slot_for(handle)) slot->record_count(tag);
}

}  // namespace consist::inline v0::detail
