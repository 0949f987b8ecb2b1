// expect: the value fn returns must be serializable
#include "cf_types.hpp"

void use(consist::tracker& t) {
#ifdef CONSIST_CF_CONTROL
  t.run([] { return step_config{1}; }, consist::name{"s"});
#else
  t.run([] { return not_reflected{1}; }, consist::name{"s"});
#endif
}
