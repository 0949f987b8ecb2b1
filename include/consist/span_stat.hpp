#pragma once
// The aggregate of one CONSIST_SPAN / CONSIST_COUNT call site over one run:
// what the spans machinery produces and what a run record stores.

#include <cstdint>
#include <string>

namespace consist::inline v0 {

struct span_stat {
  std::string name;            // the literal given to the macro
  std::string file;            // source file of the call site
  std::uint32_t line = 0;      // source line of the call site
  bool timed = true;           // false for CONSIST_COUNT (count only)
  std::uint64_t count = 0;     // times the scope was entered
  std::uint64_t total_ns = 0;  // summed duration (0 when !timed)
  std::uint64_t min_ns = 0;    // shortest single duration
  std::uint64_t max_ns = 0;    // longest single duration
  std::uint32_t threads = 0;   // distinct threads that entered the site

  friend bool operator==(const span_stat&, const span_stat&) = default;
};

}  // namespace consist::inline v0
