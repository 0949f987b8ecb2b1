#pragma once
// The clock behind spans: the CPU's time-stamp counter where it is invariant
// (constant rate, keeps counting in deep sleep states), else steady_clock.
// The TSC is read in a few cycles with no call; steady_clock goes through the
// vDSO. Either way a span stores raw ticks and converts to nanoseconds only
// when a collection ends, so the hot path never multiplies.

#include <consist/detail/config.hpp>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <string_view>

#if defined(__x86_64__) || defined(__i386__)
#define CONSIST_DETAIL_SPAN_HAS_TSC 1
#else
#define CONSIST_DETAIL_SPAN_HAS_TSC 0
#endif

namespace consist::inline v0::detail {

enum class span_clock_kind : std::uint8_t { steady_clock = 0, tsc = 1 };

inline std::uint64_t steady_clock_ns() noexcept {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::steady_clock::now().time_since_epoch())
                                        .count());
}

/// One timestamp in the clock's own ticks. Inlined into every span, so it is a
/// single rdtsc when `use_tsc` is a constant the caller already holds.
[[gnu::always_inline]] inline std::uint64_t span_clock_ticks(bool use_tsc) noexcept {
#if CONSIST_DETAIL_SPAN_HAS_TSC
  if (use_tsc) return __builtin_ia32_rdtsc();
#else
  static_cast<void>(use_tsc);
#endif
  return steady_clock_ns();
}

struct span_clock_calibration {
  span_clock_kind kind = span_clock_kind::steady_clock;
  double ns_per_tick = 1.0;  // exactly 1 for steady_clock

  std::uint64_t to_ns(std::uint64_t ticks) const noexcept {
    if (kind == span_clock_kind::steady_clock) return ticks;
    return static_cast<std::uint64_t>(std::llround(static_cast<double>(ticks) * ns_per_tick));
  }
  std::string_view source() const noexcept {
    return kind == span_clock_kind::tsc ? "tsc" : "steady_clock";
  }
};

/// Calibrated once per process, on the first collection (never on a span).
CONSIST_DECL const span_clock_calibration& span_clock();

}  // namespace consist::inline v0::detail

#undef CONSIST_DETAIL_SPAN_HAS_TSC

#if CONSIST_INCLUDE_IMPL
#include <consist/detail/impl/span_clock.ipp>
#endif
