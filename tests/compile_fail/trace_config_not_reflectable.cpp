// expect: holds a type this Adapter cannot encode
#include "cf_types.hpp"

void use(consist::tracker& t) {
#ifdef CONSIST_CF_CONTROL
  auto tr = t.trace("s", consist::config{step_config{1}});
#else
  auto tr = t.trace("s", consist::config{not_reflected{1}});
#endif
  tr.finish();
}
