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

/// The next suffix of this thread's sequence: a random start, then one more
/// per id. Each suffix is still uniform over 32 bits (as likely to collide as
/// an independent draw), but the ids one thread makes sort in the order it
/// made them, so the store adds them beside each other in its B-tree rather
/// than into a random page each. `fresh` (after a collision) restarts the
/// sequence at a new random value, away from the ids it ran into.
inline std::uint32_t next_run_suffix(bool fresh) {
  thread_local pid_t started_for = 0;  // a child of fork() starts its own sequence
  thread_local std::uint32_t next = 0;
  const pid_t pid = current_pid();
  if (fresh || started_for != pid) {
    next = static_cast<std::uint32_t>(random_u64());
    started_for = pid;
  }
  return next++;
}

std::string make_run_id(std::string_view name, run_id_draw draw) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string id;
  id.reserve(name.size() + 9);
  id.append(name);
  id += '_';
  const std::uint32_t r = next_run_suffix(draw == run_id_draw::after_collision);
  for (int i = 7; i >= 0; --i) id += digits[(r >> (4 * i)) & 15];
  return id;
}

}  // namespace consist::inline v0::detail
