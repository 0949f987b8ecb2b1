// expect: consist sees only some of this struct's state .*or a base class
// A config derived from a reflected struct: its reflection is the base's, so
// the derived struct's own member would not be part of the identity.
#include <consist/encode/reflect.hpp>

namespace cf {
struct grid_config {
  BOOST_HANA_DEFINE_STRUCT(grid_config, (int, cells));
};
#ifdef CONSIST_CF_CONTROL
struct wave_config {
  BOOST_HANA_DEFINE_STRUCT(wave_config, (grid_config, grid), (double, speed));
};
#else
struct wave_config : grid_config {
  double speed = 0.5;
};
#endif
}  // namespace cf

consist::digest128 identity_of(const cf::wave_config& c) { return consist::digest(c); }
