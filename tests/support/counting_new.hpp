#pragma once
// Counts the heap allocations a piece of code makes on the calling thread:
// this header replaces the global operator new and delete (through malloc and
// free), so include it in exactly one unit of a program. Shared by the test
// and the benchmark that show a cache hit's allocations do not grow with the
// store.
//
//   consist_test::allocation_count c = consist_test::count_allocations([&] { ... });

#include <cstddef>
#include <cstdlib>
#include <new>

namespace consist_test {

struct allocation_count {
  std::size_t allocations = 0;
  std::size_t bytes = 0;
};

namespace counting_detail {
inline thread_local bool on = false;
inline thread_local allocation_count counted{};

inline void* allocate(std::size_t n) {
  if (on) {
    ++counted.allocations;
    counted.bytes += n;
  }
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
}  // namespace counting_detail

/// The allocations `f()` makes on this thread (other threads are not counted).
template <class F>
allocation_count count_allocations(F&& f) {
  counting_detail::counted = {};
  counting_detail::on = true;
  try {
    f();
  } catch (...) {
    counting_detail::on = false;
    throw;
  }
  counting_detail::on = false;
  return counting_detail::counted;
}

}  // namespace consist_test

void* operator new(std::size_t n) { return consist_test::counting_detail::allocate(n); }
void* operator new[](std::size_t n) { return consist_test::counting_detail::allocate(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
