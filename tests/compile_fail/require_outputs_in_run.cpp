// expect: consist::require_outputs is a scenario option: pass it to tracker::scenario
#include <consist.hpp>

void use(consist::tracker& t) {
#ifdef CONSIST_CF_CONTROL
  auto sc = t.scenario("baseline", consist::require_outputs{"skims"});
  sc.run([] {}, consist::name{"s"}, consist::outputs{"skims"});
#else
  t.run([] {}, consist::name{"s"}, consist::require_outputs{"skims"});
#endif
}
