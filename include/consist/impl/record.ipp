#pragma once
// Body of <consist/record.hpp>.

#include <consist/record.hpp>

#include <algorithm>

namespace consist::inline v0 {

std::vector<span_stat> run_record::spans() const {
  auto out = span_stats;
  std::stable_sort(out.begin(), out.end(),
                   [](const span_stat& a, const span_stat& b) { return a.total_ns > b.total_ns; });
  return out;
}

}  // namespace consist::inline v0
