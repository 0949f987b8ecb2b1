// The hot loop of the zero-cost check, built three ways by CMakeLists.txt
// beside it: without spans, with spans under CONSIST_NO_TRACING (must execute
// exactly the instructions of the first), and with spans compiled in but no
// collection active (must differ, which shows the comparison can see a branch).
#include <consist/spans.hpp>

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <vector>

// extern "C" and noinline, so callgrind can name it in --toggle-collect.
// The arguments come from the command line, so no call site is specialised.
extern "C" [[gnu::noinline]] double consist_zero_cost_loop(const double* x, std::size_t n) {
  double acc = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
#if defined(CONSIST_ZERO_COST_WITH_SPANS)
    CONSIST_SPAN("iteration");
    CONSIST_COUNT("visit");
#endif
    acc += x[i] * x[i];
    if (acc > 1e300) {
#if defined(CONSIST_ZERO_COST_WITH_SPANS)
      CONSIST_SPAN("rescale");
#endif
      acc *= 1e-300;
    }
  }
  return acc;
}

int main(int argc, char** argv) {
  const std::size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 10'000;
  std::vector<double> x(n);
  for (std::size_t i = 0; i < n; ++i) x[i] = static_cast<double>(i % 97) * 0.5;
  std::printf("%.6g\n", consist_zero_cost_loop(x.data(), x.size()));
  return 0;
}
