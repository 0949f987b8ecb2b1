#pragma once
// The spans of an MPI run's ranks reduced into its record (consist/mpi.hpp):
//   - merged: one span_stat per site over all ranks (counts and totals
//     summed, the shortest and longest single duration, threads summed),
//     what run_record::span_stats holds for the whole run;
//   - per site over ranks: min / max / sum of each rank's total time and
//     count (span_rank_stat), so load imbalance shows per site.
// A site is its name, file and line. A rank that never entered a site counts
// as 0 there (its min is then 0; `entered` says how many ranks did).

#include <consist/record.hpp>
#include <consist/span_stat.hpp>

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace consist::inline v0::detail {

struct rank_span_reduction {
  std::vector<span_stat> merged;          // most total time first
  std::vector<span_rank_stat> per_site;   // largest total on one rank first
};

/// Reduces `by_rank[r]`, the spans rank r collected, over all ranks.
inline rank_span_reduction reduce_rank_spans(const std::vector<std::vector<span_stat>>& by_rank) {
  using site_key = std::tuple<std::string, std::string, std::uint32_t>;
  struct site {
    span_stat merged;
    span_rank_stat over_ranks;
    bool any_duration = false;  // whether merged.min_ns holds a rank's value yet
  };
  const auto ranks = static_cast<std::uint32_t>(by_rank.size());
  std::map<site_key, site> sites;
  for (std::uint32_t r = 0; r < ranks; ++r) {
    // One rank may hold several sites with one key (each instantiation of a
    // template is a site of its own): they are one site of that rank here.
    std::map<site_key, span_stat> of_rank;
    for (const span_stat& s : by_rank[r]) {
      auto [it, fresh] = of_rank.try_emplace(site_key{s.name, s.file, s.line}, s);
      if (fresh) continue;
      span_stat& f = it->second;
      if (s.count != 0 && s.timed) {
        f.min_ns = f.count != 0 ? std::min(f.min_ns, s.min_ns) : s.min_ns;
        f.max_ns = std::max(f.max_ns, s.max_ns);
      }
      f.count += s.count;
      f.total_ns += s.total_ns;
      f.threads += s.threads;
    }
    for (const auto& [rank_key, s] : of_rank) {
      auto [it, fresh] = sites.try_emplace(rank_key);
      site& x = it->second;
      if (fresh) {
        x.merged.name = x.over_ranks.name = s.name;
        x.merged.file = x.over_ranks.file = s.file;
        x.merged.line = x.over_ranks.line = s.line;
        x.merged.timed = x.over_ranks.timed = s.timed;
        x.over_ranks.ranks = ranks;
        x.over_ranks.count_min = s.count;
        x.over_ranks.total_ns_min = s.total_ns;
      }
      span_stat& m = x.merged;
      m.count += s.count;
      m.total_ns += s.total_ns;
      m.threads += s.threads;
      if (s.count != 0 && s.timed) {
        m.min_ns = x.any_duration ? std::min(m.min_ns, s.min_ns) : s.min_ns;
        m.max_ns = std::max(m.max_ns, s.max_ns);
        x.any_duration = true;
      }
      span_rank_stat& o = x.over_ranks;
      ++o.entered;
      o.count_sum += s.count;
      o.total_ns_sum += s.total_ns;
      o.count_min = std::min(o.count_min, s.count);
      o.total_ns_min = std::min(o.total_ns_min, s.total_ns);
      const bool slower = s.timed ? s.total_ns > o.total_ns_max : s.count > o.count_max;
      if (o.entered == 1 || slower) o.slowest_rank = r;
      o.count_max = std::max(o.count_max, s.count);
      o.total_ns_max = std::max(o.total_ns_max, s.total_ns);
    }
  }
  rank_span_reduction out;
  for (auto& [key, x] : sites) {
    if (x.over_ranks.entered < ranks) x.over_ranks.count_min = x.over_ranks.total_ns_min = 0;
    out.merged.push_back(std::move(x.merged));
    out.per_site.push_back(std::move(x.over_ranks));
  }
  std::sort(out.merged.begin(), out.merged.end(), [](const span_stat& a, const span_stat& b) {
    return std::tie(b.total_ns, b.count, a.name, a.file, a.line) <
           std::tie(a.total_ns, a.count, b.name, b.file, b.line);
  });
  std::sort(out.per_site.begin(), out.per_site.end(), [](const span_rank_stat& a, const span_rank_stat& b) {
    return std::tie(b.total_ns_max, b.count_max, a.name, a.file, a.line) <
           std::tie(a.total_ns_max, a.count_max, b.name, b.file, b.line);
  });
  return out;
}

}  // namespace consist::inline v0::detail
