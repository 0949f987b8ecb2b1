// expect: consist::require_outputs is a scenario option: pass it to tracker::scenario
#include <consist.hpp>

void use(consist::tracker& t) {
#ifdef CONSIST_CF_CONTROL
  auto tr = t.trace("s", consist::outputs{"skims"});
#else
  auto tr = t.trace("s", consist::require_outputs{"skims"});
#endif
  tr.finish();
}
