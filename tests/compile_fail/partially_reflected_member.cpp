// expect: consist sees only some of this struct's state .*name every member, the bases' too
// A config with a member declared outside BOOST_HANA_DEFINE_STRUCT: the member
// would not be part of the identity, so a change of it would hit.
#include <consist/encode/reflect.hpp>

namespace cf {
struct solver_config {
#ifdef CONSIST_CF_CONTROL
  BOOST_HANA_DEFINE_STRUCT(solver_config, (double, dt), (int, max_steps));
#else
  BOOST_HANA_DEFINE_STRUCT(solver_config, (double, dt));
  int max_steps = 100;
#endif
};
}  // namespace cf

consist::digest128 identity_of(const cf::solver_config& c) { return consist::digest(c); }
