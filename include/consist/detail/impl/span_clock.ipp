#pragma once
// Body of <consist/detail/span_clock.hpp>.

#include <consist/detail/span_clock.hpp>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace consist::inline v0::detail {

/// cpuid leaf 0x80000007, EDX bit 8: the TSC runs at a constant rate in every
/// P-, C- and T-state, so differences of its readings measure wall time.
inline bool cpu_has_invariant_tsc() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (static_cast<unsigned>(__get_cpuid_max(0x80000000u, nullptr)) < 0x80000007u) return false;
  if (__get_cpuid(0x80000007u, &eax, &ebx, &ecx, &edx) == 0) return false;
  return (edx & (1u << 8)) != 0;
#else
  return false;
#endif
}

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

const span_clock_calibration& span_clock() {
  static const span_clock_calibration calibration = calibrate_span_clock();
  return calibration;
}

}  // namespace consist::inline v0::detail
