#pragma once
// Per-thread site tables: what a span writes on the hot path. Each thread
// owns one table; only that thread writes its slots, so every update is a
// plain load and store (relaxed atomics, no lock prefix). The registry reads
// the slots of all threads when a collection changes hands, which is why the
// fields are atomics at all: the reads race benignly instead of being UB.

#include <consist/detail/config.hpp>

#include <array>
#include <atomic>
#include <cstdint>

namespace consist::inline v0::detail {

/// What the hot path tests first: 0 while no collection is active or tracing
/// is off; else a tag naming the current collection epoch, whose low bit says
/// whether timestamps come from the TSC (1) or steady_clock (0).
inline constinit std::atomic<std::uint64_t> active_span_tag{0};

constexpr std::uint64_t make_span_tag(std::uint64_t epoch, bool tsc) noexcept {
  return (epoch << 1) | (tsc ? 1u : 0u);
}
constexpr bool span_tag_uses_tsc(std::uint64_t tag) noexcept { return (tag & 1u) != 0; }

struct span_slot_snapshot {
  std::uint64_t count = 0;
  std::uint64_t total = 0;  // ticks
  std::uint64_t min = 0;
  std::uint64_t max = 0;
};

/// One site's aggregate in one thread, valid for the epoch in `tag_`. A slot
/// whose tag is stale is restarted by its owner on the next hit: that is how
/// counters reset between collections without anyone writing another
/// thread's memory.
class span_slot {
 public:
  [[gnu::always_inline]] void record_timed(std::uint64_t tag, std::uint64_t ticks) noexcept {
    if (tag_.load(std::memory_order_relaxed) != tag) [[unlikely]] {
      restart(tag, ticks);
      return;
    }
    bump(count_, 1);
    bump(total_, ticks);
    const std::uint64_t lo = min_.load(std::memory_order_relaxed);
    const std::uint64_t hi = max_.load(std::memory_order_relaxed);
    min_.store(ticks < lo ? ticks : lo, std::memory_order_relaxed);
    max_.store(ticks > hi ? ticks : hi, std::memory_order_relaxed);
  }

  [[gnu::always_inline]] void record_count(std::uint64_t tag) noexcept {
    if (tag_.load(std::memory_order_relaxed) != tag) [[unlikely]] {
      restart(tag, 0);
      return;
    }
    bump(count_, 1);
  }

  /// Read by the registry (any thread). The acquire pairs with the release in
  /// restart(), so a matching tag is never seen with the previous epoch's data.
  CONSIST_DECL bool read(std::uint64_t tag, span_slot_snapshot& out) const noexcept;

 private:
  static void bump(std::atomic<std::uint64_t>& field, std::uint64_t by) noexcept {
    field.store(field.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
  }
  [[gnu::noinline]] void restart(std::uint64_t tag, std::uint64_t ticks) noexcept {
    count_.store(1, std::memory_order_relaxed);
    total_.store(ticks, std::memory_order_relaxed);
    min_.store(ticks, std::memory_order_relaxed);
    max_.store(ticks, std::memory_order_relaxed);
    tag_.store(tag, std::memory_order_release);
  }

  std::atomic<std::uint64_t> tag_{0};
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> total_{0};
  std::atomic<std::uint64_t> min_{0};
  std::atomic<std::uint64_t> max_{0};
};

inline constexpr std::uint32_t span_slots_per_chunk = 64;
inline constexpr std::uint32_t span_chunks_per_thread = 256;
/// Distinct call sites a process can have; a program past it gets a
/// usage_error at the first use of the site that does not fit.
inline constexpr std::uint32_t span_site_capacity = span_slots_per_chunk * span_chunks_per_thread;

struct span_chunk {
  std::array<span_slot, span_slots_per_chunk> slots{};
};

/// A thread's slots, in fixed chunks that never move once published, so a
/// slot's address stays valid for the thread's life and the registry can read
/// a chunk while the owner fills another.
struct thread_span_table {
  std::uint64_t serial = 0;  // distinct per thread for the life of the process
  std::array<std::atomic<span_chunk*>, span_chunks_per_thread> chunks{};

  thread_span_table() = default;
  thread_span_table(const thread_span_table&) = delete;
  thread_span_table& operator=(const thread_span_table&) = delete;
  CONSIST_DECL ~thread_span_table();

  /// The slot of site `index`, or nullptr while its chunk does not exist yet.
  [[gnu::always_inline]] span_slot* find(std::uint32_t index) noexcept {
    span_chunk* chunk = chunks[index / span_slots_per_chunk].load(std::memory_order_relaxed);
    return chunk == nullptr ? nullptr : &chunk->slots[index % span_slots_per_chunk];
  }
};

/// This thread's table; constant-initialised and trivially destructible so
/// reading it is one TLS load with no initialisation guard.
inline constinit thread_local thread_span_table* current_span_table = nullptr;
/// Set once this thread's table has been folded into the registry at thread
/// exit: spans in later thread-exit code count nowhere instead of leaking a table.
inline constinit thread_local bool span_table_retired = false;

}  // namespace consist::inline v0::detail

#if CONSIST_INCLUDE_IMPL
#include <consist/detail/impl/span_table.ipp>
#endif
