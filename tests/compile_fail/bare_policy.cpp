// expect: consist::policy is not a run option: pass consist::output_policy_options
#include "cf_types.hpp"

void use(consist::tracker& t) {
#ifdef CONSIST_CF_CONTROL
  t.run([] {}, consist::name{"s"}, consist::output_policy_options{.missing = consist::policy::error});
#else
  t.run([] {}, consist::name{"s"}, consist::policy::error);
#endif
}
