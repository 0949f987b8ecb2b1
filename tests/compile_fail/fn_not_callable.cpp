// expect: fn cannot be called by consist::run
#include "cf_types.hpp"

void use(consist::tracker& t) {
#ifdef CONSIST_CF_CONTROL
  t.run([](const step_config& c) { return c.a; }, consist::name{"s"}, consist::config{step_config{1}});
#else
  t.run([](const step_config& c, double) { return c.a; }, consist::name{"s"}, consist::config{step_config{1}});
#endif
}
