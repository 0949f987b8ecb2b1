// expect: holds a type this Adapter cannot encode
#include "cf_types.hpp"

void use(consist::tracker& t) {
#ifdef CONSIST_CF_CONTROL
  t.run([](const step_config&) {}, consist::name{"s"}, consist::config{step_config{1}});
#else
  t.run([](const not_reflected&) {}, consist::name{"s"}, consist::config{not_reflected{1}});
#endif
}
