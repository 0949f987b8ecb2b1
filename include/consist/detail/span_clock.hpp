#pragma once
// The clock behind spans: the CPU's time-stamp counter where it is invariant
// (constant rate, keeps counting in deep sleep states), else steady_clock.
// The TSC is read in a few cycles with no call; steady_clock goes through the
// vDSO. Either way a span stores raw ticks and converts to nanoseconds only
// when a collection ends, so the hot path never multiplies.

#include <chrono>
#include <cmath>
#include <cstdint>
#include <string_view>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#define CONSIST_DETAIL_SPAN_HAS_TSC 1
#else
#define CONSIST_DETAIL_SPAN_HAS_TSC 0
#endif

namespace consist::inline v0::detail {

enum class span_clock_kind : std::uint8_t { steady_clock = 0, tsc = 1 };

/// cpuid leaf 0x80000007, EDX bit 8: the TSC runs at a constant rate in every
/// P-, C- and T-state, so differences of its readings measure wall time.
inline bool cpu_has_invariant_tsc() noexcept {
#if CONSIST_DETAIL_SPAN_HAS_TSC
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (static_cast<unsigned>(__get_cpuid_max(0x80000000u, nullptr)) < 0x80000007u) return false;
  if (__get_cpuid(0x80000007u, &eax, &ebx, &ecx, &edx) == 0) return false;
  return (edx & (1u << 8)) != 0;
#else
  return false;
#endif
}

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

/// A TSC reading paired with the steady_clock time it was taken at: the
/// midpoint of the two steady_clock reads around it, keeping the tightest of
/// a few tries so that a preemption inside one try cannot skew the pair.
struct span_clock_stamp {
  std::uint64_t steady_ns = 0;
  std::uint64_t tsc = 0;
};

inline span_clock_stamp take_span_clock_stamp() noexcept {
  span_clock_stamp best;
  std::uint64_t best_width = ~std::uint64_t{0};
  for (int attempt = 0; attempt < 16; ++attempt) {
    const std::uint64_t before = steady_clock_ns();
    const std::uint64_t tsc = span_clock_ticks(true);
    const std::uint64_t after = steady_clock_ns();
    if (after - before < best_width) {
      best_width = after - before;
      best = {before + (after - before) / 2, tsc};
    }
  }
  return best;
}

/// Measures the TSC rate against steady_clock over a short busy wait. The
/// error is the width of the stamps (tens of ns) over the window, a few parts
/// in 10^5; being preempted between the two stamps costs nothing, as both
/// clocks keep running.
inline span_clock_calibration calibrate_span_clock() {
  if (!cpu_has_invariant_tsc()) return {};
  constexpr std::uint64_t window_ns = 2'000'000;
  const span_clock_stamp first = take_span_clock_stamp();
  span_clock_stamp last;
  do last = take_span_clock_stamp();
  while (last.steady_ns - first.steady_ns < window_ns);
  // A TSC that did not advance is not usable whatever cpuid says (a broken
  // hypervisor): the caller sees the fallback through source().
  if (last.tsc <= first.tsc) return {};
  return {span_clock_kind::tsc, static_cast<double>(last.steady_ns - first.steady_ns) /
                                    static_cast<double>(last.tsc - first.tsc)};
}

/// Calibrated once per process, on the first collection (never on a span).
inline const span_clock_calibration& span_clock() {
  static const span_clock_calibration calibration = calibrate_span_clock();
  return calibration;
}

}  // namespace consist::inline v0::detail

#undef CONSIST_DETAIL_SPAN_HAS_TSC
