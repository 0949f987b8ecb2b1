#pragma once
// Body of <consist/detail/run_id.hpp>.

#include <consist/detail/process_info.hpp>
#include <consist/detail/run_id.hpp>

#include <unistd.h>

#include <cstdint>
#include <random>

namespace consist::inline v0::detail {

inline std::uint64_t random_u64() {
  // Re-seeded after fork(): parent and child must not draw the same ids.
  thread_local pid_t seeded_for = 0;
  thread_local std::mt19937_64 gen;
  const pid_t pid = current_pid();
  if (seeded_for != pid) {
    std::random_device rd;
    std::seed_seq seq{rd(), rd(), rd(), rd(), static_cast<unsigned>(pid)};
    gen.seed(seq);
    seeded_for = pid;
  }
  return gen();
}

std::string make_run_id(std::string_view name) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string id(name);
  id += '_';
  const auto r = random_u64();
  for (int i = 7; i >= 0; --i) id += digits[(r >> (4 * i)) & 15];
  return id;
}

}  // namespace consist::inline v0::detail
