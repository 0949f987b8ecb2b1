#pragma once
// meta.mpi of an MPI run's record (consist/mpi.hpp):
//   {"world_size": 4, "executed_ranks": "0-3"}                       a miss
//   {"world_size": 4, "executed_ranks": ""}                          a hit
//   {"world_size": 4, "executed_ranks": "0-3", "failed_ranks": "1"}  a failure
// Rank sets are written as ranges ("0-3,5,7-9"), so a record stays small
// however many ranks a run has.

#include <boost/json/object.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace consist::inline v0::detail {

/// "0-3,5,7-9" for ascending ranks {0,1,2,3,5,7,8,9}; "" for none.
inline std::string rank_ranges(const std::vector<std::int32_t>& ranks) {
  std::string out;
  for (std::size_t i = 0; i < ranks.size();) {
    std::size_t j = i;
    while (j + 1 < ranks.size() && ranks[j + 1] == ranks[j] + 1) ++j;
    if (!out.empty()) out += ',';
    out += std::to_string(ranks[i]);
    if (j != i) out += "-" + std::to_string(ranks[j]);
    i = j + 1;
  }
  return out;
}

/// Ranks 0 to size - 1.
inline std::vector<std::int32_t> all_ranks(int size) {
  std::vector<std::int32_t> out(static_cast<std::size_t>(size > 0 ? size : 0));
  for (std::size_t r = 0; r < out.size(); ++r) out[r] = static_cast<std::int32_t>(r);
  return out;
}

/// meta.mpi: the communicator's size and the ranks that executed fn.
inline boost::json::object mpi_meta(int world_size, const std::vector<std::int32_t>& executed) {
  return {{"world_size", world_size}, {"executed_ranks", rank_ranges(executed)}};
}

}  // namespace consist::inline v0::detail
