// expect: consist::config_plan is not an option: pass consist::config
#include "cf_types.hpp"

void use(consist::tracker& t) {
#ifdef CONSIST_CF_CONTROL
  t.run([](const step_config&) {}, consist::name{"s"}, consist::config{step_config{1}});
#else
  t.run([](const step_config&) {}, consist::name{"s"}, consist::config_plan{step_config{1}});
#endif
}
