#pragma once
// Prints the CONSIST_SPAN timings a run record holds, most total time first.

#include <consist.hpp>

#include <cstddef>
#include <cstdio>

namespace examples {

inline void print_spans(const consist::run_record& r, std::size_t max_rows = 100) {
  std::printf("    %-36s %10s %11s %11s %11s %11s\n", "span", "count", "total ms", "mean us", "min us", "max us");
  std::size_t shown = 0;
  for (const auto& s : r.spans()) {
    if (shown++ == max_rows) break;
    if (!s.timed) {
      std::printf("    %-36s %10llu %11s\n", s.name.c_str(), static_cast<unsigned long long>(s.count), "(count)");
      continue;
    }
    const double mean_us = s.count ? s.total_ns / 1e3 / static_cast<double>(s.count) : 0.0;
    std::printf("    %-36s %10llu %11.2f %11.2f %11.2f %11.2f\n", s.name.c_str(),
                static_cast<unsigned long long>(s.count), s.total_ns / 1e6, mean_us, s.min_ns / 1e3, s.max_ns / 1e3);
  }
}

}  // namespace examples
