// expect: consist::identity_value.name, value.: the value.s type is not encodable
#include "cf_types.hpp"

void use(consist::tracker& t) {
#ifdef CONSIST_CF_CONTROL
  t.run([] {}, consist::name{"s"}, consist::identity_inputs{consist::identity_value{"mesh", step_config{2}}});
#else
  t.run([] {}, consist::name{"s"}, consist::identity_inputs{consist::identity_value{"mesh", not_reflected{2}}});
#endif
}
