// Second unit: the same step and config as unit a, so it hits a's run.
#include "two_units.hpp"

bool two_units::hit_in_unit_b(const std::filesystem::path& store, int zones) {
  const auto r = run_step(store, zones);
  return r.cache_hit && r.value == zones * 2;
}
