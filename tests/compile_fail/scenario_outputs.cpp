// expect: a scenario header has no outputs of its own: pass consist::require_outputs
#include <consist.hpp>

void use(consist::tracker& t) {
#ifdef CONSIST_CF_CONTROL
  auto sc = t.scenario("baseline", consist::require_outputs{"skims"});
#else
  auto sc = t.scenario("baseline", consist::outputs{"skims"});
#endif
  sc.finish();
}
