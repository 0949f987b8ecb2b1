// First unit: runs the step once (a miss), then has unit b run it again.
#include "two_units.hpp"

#include <cstdio>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: header_only_two_units <scratch folder>\n");
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  std::filesystem::remove_all(dir);
  const bool first = two_units::run_step(dir, 7).cache_hit;
  const bool second = two_units::hit_in_unit_b(dir, 7);
  std::printf("two units: %s then %s\n", first ? "hit" : "miss", second ? "hit" : "miss");
  return !first && second ? 0 : 1;
}
